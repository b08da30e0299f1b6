// The page's item2vec run on an interaction log (see items_run.h).
#include "items_run.h"

#include <algorithm>
#include <unordered_set>

#include "common.h"
#include "evaluation.h"  // lowercase_ascii
#include "input_error.h"

namespace embplay {
namespace {

using nlohmann::json;

const Item2VecOptions& checked(const Item2VecOptions& o) {
  validate(o);
  return o;
}

InteractionLog read_log(const std::string& data, const std::string& format) {
  if (format == "events") return read_events(data);
  if (format == "baskets") return read_baskets(data);
  throw InputError("the data kind must be events or baskets, not \"" + format + "\"");
}

// Each item's name; an item whose name another item has too is "name (key)"; an item without a
// name is its key. Then made unique whatever the file holds (a name may be another item's key).
std::vector<std::string> item_labels(const InteractionLog& log, const Ids& item_words, int32_t words) {
  const int32_t I = log.item_count();
  std::unordered_map<std::string, int> uses;
  for (int32_t i = 0; i < I; ++i) ++uses[log.item_names[i]];
  std::vector<std::string> labels(static_cast<size_t>(words));
  labels[kPadId] = Vocab::pad_word();
  labels[kUnkId] = Vocab::unk_word();
  std::unordered_set<std::string> taken = {labels[kPadId], labels[kUnkId]};
  for (int32_t i = 0; i < I; ++i) {
    const std::string& name = log.item_names[i];
    std::string label = uses[name] > 1 && name != log.item_keys[i] ? name + " (" + log.item_keys[i] + ")" : name;
    while (!taken.insert(label).second) label += " #" + std::to_string(i);
    labels[item_words[i]] = label;
  }
  return labels;
}

}  // namespace

ItemLabels::ItemLabels(std::vector<std::string> labels) : labels_(std::move(labels)) {
  for (int32_t id = 0; id < size(); ++id) {
    index_.emplace(labels_[id], id);
    const auto [it, fresh] = folded_.emplace(lowercase_ascii(labels_[id]), id);
    if (!fresh) it->second = -1;
  }
}

int32_t ItemLabels::find(const std::string& typed) const {
  const auto exact = index_.find(typed);
  if (exact != index_.end()) return exact->second;
  const auto folded = folded_.find(lowercase_ascii(typed));
  return folded == folded_.end() ? -1 : folded->second;
}

ItemsRun::ItemsRun(const std::string& data, const std::string& format, const Item2VecOptions& options)
    : format_(format),
      options_(checked(options)),
      log_(read_log(data, format)),
      trainer_(log_.users, log_.item_keys, options_),
      labels_(item_labels(log_, trainer_.item_words(), trainer_.word2vec().vocab().size())) {}

json ItemsRun::summary() const {
  int64_t baskets = 0;
  for (const History& h : log_.users) baskets += h.baskets();
  int64_t named = 0;
  for (int32_t i = 0; i < log_.item_count(); ++i) named += log_.item_names[i] != log_.item_keys[i];
  return {{"users", log_.user_count()},     {"items", log_.item_count()},
          {"events", log_.events},          {"baskets", baskets},
          {"rows", log_.rows},              {"repeats_dropped", log_.repeats_dropped},
          {"named", named},                 {"time_column", log_.time_column},
          {"basket_column", log_.basket_column}, {"name_column", log_.name_column}};
}

json ItemsRun::recommend(const std::string& user, int k) const {
  if (k < 1 || k > 100) throw InputError("ask for 1 to 100 recommendations");
  const std::string key = trim(user);
  if (key.empty()) throw InputError("type a user's id, or pick one at random");
  const auto found = log_.user_index.find(key);
  if (found == log_.user_index.end())
    throw InputError("no user \"" + key + "\" in the " + (format_ == "baskets" ? "baskets (users are \"line N\")" : "events"));
  const History& h = log_.users[found->second];
  if (h.size() == 0) throw InputError("user \"" + key + "\" has no items: there is nothing to recommend from");

  const Item2VecOptions& o = options_;
  std::shared_ptr<const ItemKnn> knn;
  if (o.knn_weight > 0) {
    if (!knn_) knn_ = std::make_shared<ItemKnn>(log_.users, log_.item_count());
    knn = knn_;
  }
  const auto model = item2vec_recommender(std::make_shared<Item2Vec>(trainer_, o), o, log_.users, log_.item_count(), knn);
  json recent = json::array();  // distinct items, newest first
  std::unordered_set<int32_t> listed;
  for (int32_t p = h.size() - 1; p >= 0 && recent.size() < 10; --p)
    if (listed.insert(h.items[p]).second) recent.push_back(label_of_item(h.items[p]));
  json list = json::array();
  for (const Recommendation& r : embplay::recommend(*model, h, log_.item_count(), k))
    list.push_back({{"item", label_of_item(r.item)}, {"key", log_.item_keys[r.item]}, {"score", r.score},
                    {"because", r.because < 0 ? json() : json(label_of_item(r.because))}});
  return {{"user", key}, {"items", h.size()}, {"baskets", h.baskets()}, {"recent", recent},
          {"model", model->name()}, {"recommendations", list}};
}

std::string ItemsRun::random_user(uint32_t seed) const {
  Ids eligible;
  for (int32_t u = 0; u < log_.user_count(); ++u)
    if (log_.users[u].size() >= 2) eligible.push_back(u);
  if (eligible.empty()) throw InputError("no user has two items");
  Rng rng(seed);
  return log_.user_keys[eligible[rng.below(static_cast<uint32_t>(eligible.size()))]];
}

json ItemsRun::users(const std::string& prefix, int limit) const {
  const std::string p = trim(prefix);
  json keys = json::array();
  int64_t matches = 0;
  for (const std::string& key : log_.user_keys) {
    if (key.compare(0, p.size(), p) != 0) continue;
    ++matches;
    if (static_cast<int>(keys.size()) < limit) keys.push_back(key);
  }
  return {{"users", keys}, {"matches", matches}};
}

}  // namespace embplay
