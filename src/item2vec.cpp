// item2vec: sentences of items for the word2vec core, and the trained vectors as a recommender.
#include "item2vec.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "geometry.h"
#include "option_table.h"

namespace embplay {
namespace {

using T = OptionTable<Item2VecOptions>;

const T& table() {
  static const T table("item2vec option", {
      T::choice("context", {"basket", "sequence"}, &Item2VecOptions::context,
                "basket: the other items of the same basket; sequence: the items bought just before and after"),
      T::number("window", T::Type::Int, 1, 50, &Item2VecOptions::window,
                "sequence only: largest distance to a context item; each draws 1..window"),
      T::number("dim", T::Type::Int, 2, 512, &Item2VecOptions::dim, "d: length of each item vector"),
      T::number("negative", T::Type::Int, 1, 50, &Item2VecOptions::negative, "noise items per target"),
      T::number("epochs", T::Type::Int, 1, 200, &Item2VecOptions::epochs, "passes over the baskets"),
      T::number("lr", T::Type::Float, 0.0001, 1, &Item2VecOptions::lr, "starting learning rate, decaying linearly to 0"),
      T::number("sample", T::Type::Float, 0, 1, &Item2VecOptions::sample,
                "subsampling threshold t: very frequent items are skipped; 0 = keep all"),
      T::number("seed", T::Type::Int, 0, 4294967295.0, &Item2VecOptions::seed, "same seed, same vectors"),
      T::choice("similarity", {"output", "cosine", "projected"}, &Item2VecOptions::similarity,
                "output: skip-gram's score of an item as context; cosine: of the two items' vectors; "
                "projected: the user's items regressed onto the output vectors"),
      T::number("ridge", T::Type::Float, 0.0001, 100, &Item2VecOptions::ridge,
                "projected only: the regression's lambda, relative to the mean squared output vector"),
      T::number("half_life", T::Type::Float, 0, 1000, &Item2VecOptions::half_life,
                "a user's older items count half every this many items; 0 = all the same"),
      T::number("knn_weight", T::Type::Float, 0, 100, &Item2VecOptions::knn_weight,
                "recommendations add item kNN's score (both standardised) times this; 0 = item2vec alone"),
  });
  return table;
}

Word2VecOptions word2vec_options(const Item2VecOptions& o) {
  validate(o);
  Word2VecOptions w;
  w.model = "skipgram";
  w.dim = o.dim;
  w.window = o.window;
  w.negative = o.negative;
  w.epochs = o.epochs;
  w.lr = o.lr;
  w.sample = o.sample;
  w.seed = o.seed;
  w.min_count = 1;
  w.whole_window = o.context == "basket";
  return w;
}

}  // namespace

nlohmann::json item2vec_schema() { return table().schema(); }
Item2VecOptions item2vec_options_from_json(const nlohmann::json& j) { return table().from_json(j); }
nlohmann::json item2vec_options_to_json(const Item2VecOptions& o) { return table().to_json(o); }
void set_item2vec_option(Item2VecOptions& o, const std::string& name, const std::string& value) {
  table().set_from_text(o, name, value);
}
void validate(const Item2VecOptions& o) { table().validate(o); }

Corpus item2vec_corpus(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                       const std::string& context) {
  const int32_t I = static_cast<int32_t>(item_keys.size());
  std::vector<int64_t> item_counts(static_cast<size_t>(I), 0);
  for (const History& h : train)
    for (int32_t i : h.items) ++item_counts[i];
  // The vocabulary: items by count, most first (ties by item id), as a text's words are.
  Ids order(static_cast<size_t>(I));
  for (int32_t i = 0; i < I; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return item_counts[a] > item_counts[b]; });
  std::vector<std::string> words = {Vocab::pad_word(), Vocab::unk_word()};
  std::vector<int64_t> counts = {0, 0};
  Ids word_of(static_cast<size_t>(I));  // item id -> word id
  for (int32_t i : order) {
    word_of[i] = static_cast<int32_t>(words.size());
    words.push_back(item_keys[i]);
    counts.push_back(item_counts[i]);
  }
  Corpus c;
  bool pair = false;  // some sentence has two items to learn from
  auto add = [&](const int32_t* first, const int32_t* last) {
    if (first == last) return;
    for (const int32_t* i = first; i != last; ++i) c.sentences.ids.push_back(word_of[*i]);
    c.sentences.starts.push_back(c.sentences.tokens());
    pair = pair || last - first >= 2;
  };
  for (const History& h : train) {
    if (context == "sequence") {
      add(h.items.data(), h.items.data() + h.size());
      continue;
    }
    for (int32_t b = 0; b < h.baskets(); ++b) add(h.items.data() + h.starts[b], h.items.data() + h.starts[b + 1]);
  }
  if (!pair) throw InputError("No " + std::string(context == "sequence" ? "user" : "basket") +
                              " has two items to learn from.");
  c.types = I;
  c.vocab = Vocab::from_words(std::move(words), std::move(counts));
  return c;
}

Item2VecTrainer::Item2VecTrainer(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                                 const Item2VecOptions& options)
    : options_(options), w2v_(item2vec_corpus(train, item_keys, options.context), word2vec_options(options)) {
  item_words_.reserve(item_keys.size());
  for (const std::string& key : item_keys) item_words_.push_back(w2v_.vocab().id(key));
}

Item2Vec::Item2Vec(const Item2VecTrainer& trained, const Item2VecOptions& options) : options_(options) {
  const Ids& rows = trained.item_words();
  const RowMatrix output = gather_rows(trained.word2vec().output(), rows);  // (I, d) in item order
  input_ = gather_rows(trained.word2vec().input(), rows);
  if (options_.similarity == "cosine") {
    source_ = unit_rows(input_);
    target_ = source_;
  } else if (options_.similarity == "projected") {
    // s(i, j) = o_j^T (O^T O + lambda I)^-1 o_i: ridge regression of the user's items onto the
    // output table O (I, d); lambda = ridge * trace(O^T O) / d.
    target_ = output;
    Eigen::MatrixXf gram = target_.transpose() * target_;  // (d, d)
    gram.diagonal().array() += options_.ridge * gram.trace() / static_cast<float>(gram.rows());
    source_ = (gram.llt().solve(target_.transpose())).transpose();  // (I, d) O M
  } else {
    source_ = input_;
    target_ = output;
  }
}

std::vector<float> Item2Vec::weights(const History& h) const {
  const int32_t n = h.size();
  std::vector<float> w(static_cast<size_t>(n), 1.0f);
  if (options_.half_life > 0)
    for (int32_t p = 0; p < n; ++p) w[p] = std::exp2(-static_cast<float>(n - 1 - p) / options_.half_life);
  float sum = 0;
  for (float x : w) sum += x;
  for (float& x : w) x /= sum;
  return w;
}

float Item2Vec::pair_score(int32_t i, int32_t j) const { return source_.row(i).dot(target_.row(j)); }

void Item2Vec::score(const History& h, float* scores) const {
  const Eigen::Index I = target_.rows();
  Eigen::Map<Eigen::VectorXf> s(scores, I);
  if (h.size() == 0) {
    s.setZero();
    return;
  }
  const std::vector<float> w = weights(h);
  Eigen::VectorXf user = Eigen::VectorXf::Zero(source_.cols());  // (d) sum_p w_p source[i_p]
  for (int32_t p = 0; p < h.size(); ++p) user += w[p] * source_.row(h.items[p]).transpose();
  s.noalias() = target_ * user;
}

int32_t Item2Vec::reason(const History& h, int32_t item) const {
  if (h.size() == 0) return -1;
  const std::vector<float> w = weights(h);
  int32_t best = 0;
  float best_score = w[0] * pair_score(h.items[0], item);
  for (int32_t p = 1; p < h.size(); ++p) {
    const float c = w[p] * pair_score(h.items[p], item);
    if (c > best_score) best = p, best_score = c;
  }
  return best;
}

std::vector<std::pair<int32_t, float>> Item2Vec::similar(int32_t item, int k) const {
  // nearest_neighbors skips rows 0 and 1 (<pad>, <unk>): give it the table with two rows in front.
  RowMatrix table = RowMatrix::Zero(input_.rows() + 2, input_.cols());
  table.bottomRows(input_.rows()) = input_;
  std::vector<std::pair<int32_t, float>> out;
  for (const Neighbor& n : nearest_neighbors(table, item + 2, k)) out.emplace_back(n.id - 2, n.similarity);
  return out;
}

Item2VecOptions tuned_item2vec_options(SplitKind kind, const nlohmann::json& changes) {
  Item2VecOptions o;  // the defaults: tuned for the next basket
  if (kind == SplitKind::kLastItem) {
    o.window = 5, o.epochs = 5, o.sample = 1e-3;
    o.similarity = "output", o.half_life = 0.3f, o.knn_weight = 0.7f;
  }
  if (!changes.is_object()) throw InputError("item2vec's changed options must be an object");
  nlohmann::json out = item2vec_options_to_json(o);
  for (const auto& [name, value] : changes.items()) out[name] = value;
  return item2vec_options_from_json(out);
}

nlohmann::json item2vec_changes(const Item2VecOptions& o) {
  const nlohmann::json defaults = item2vec_options_to_json(Item2VecOptions());
  const nlohmann::json given = item2vec_options_to_json(o);
  nlohmann::json changes = nlohmann::json::object();
  for (const auto& [name, value] : given.items())
    if (value != defaults[name]) changes[name] = value;
  return changes;
}

std::shared_ptr<const Recommender> item2vec_recommender(std::shared_ptr<const Item2Vec> model, const Item2VecOptions& options,
                                                  const std::vector<History>& train, int32_t items,
                                                  std::shared_ptr<const ItemKnn> knn) {
  if (options.knn_weight <= 0) return model;
  if (!knn) knn = std::make_shared<ItemKnn>(train, items);
  return std::make_shared<Blend>(std::move(model), std::move(knn), options.knn_weight, items);
}

Item2Vec train_item2vec(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                        const Item2VecOptions& options) {
  Item2VecTrainer trainer(train, item_keys, options);
  while (!trainer.step(1 << 20).finished) {
  }
  return Item2Vec(trainer, options);
}

}  // namespace embplay
