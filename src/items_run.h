// An item2vec run on an interaction log: the page's "items" source of vectors. The log comes from
// an events CSV or from baskets; item2vec trains on every user's whole history, for the map,
// "bought together" and recommendations. The vocabulary holds the items' keys (stock codes); what
// people see is each item's label: its name, with its key when another item has the same name.
// The users' side: a user's top items with the item of theirs behind each, a user drawn at random
// (seeded), the users whose key starts with some text.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "interactions.h"
#include "item2vec.h"
#include "recommend.h"

namespace embplay {

// Labels for a vocabulary's words, unique, found again from what a person types.
class ItemLabels {
 public:
  ItemLabels() = default;
  // labels (V) by word id; they must be unique.
  explicit ItemLabels(std::vector<std::string> labels);
  const std::string& operator[](int32_t id) const { return labels_[id]; }
  // The word id of a label (exactly, then ignoring ASCII case when only one label matches), or -1.
  int32_t find(const std::string& typed) const;
  int32_t size() const { return static_cast<int32_t>(labels_.size()); }

 private:
  std::vector<std::string> labels_;
  std::unordered_map<std::string, int32_t> index_, folded_;  // folded: lower case -> id, -1 when shared
};

class ItemsRun {
 public:
  // format: "events" (a CSV with a header: user, item, optional time, basket, value, name columns)
  // or "baskets" (one per line). Reads the log and prepares item2vec; throws InputError naming the
  // line of the first problem, or the option.
  ItemsRun(const std::string& data, const std::string& format, const Item2VecOptions& options);

  Word2VecProgress step(int64_t budget) { return trainer_.step(budget); }
  const Word2VecTrainer& word2vec() const { return trainer_.word2vec(); }
  const InteractionLog& log() const { return log_; }
  const Item2VecOptions& options() const { return options_; }
  const ItemLabels& labels() const { return labels_; }  // (V) by word id: "<pad>", "<unk>", then the items'
  const std::string& format() const { return format_; }

  // What was read: {users, items, events, baskets, rows, repeats_dropped, named, time_column,
  // basket_column, name_column}.
  nlohmann::json summary() const;

  // The user's top k items they have not taken, by the current vectors (and item kNN on the whole
  // log when knn_weight > 0): {user, items, baskets, recent: [distinct labels, newest first, at most 10],
  // model, recommendations: [{item (label), key, score, because (label or null)}]}. Throws
  // InputError for an unknown user or k outside 1..100.
  nlohmann::json recommend(const std::string& user, int k) const;
  // A user drawn with Rng(seed) among those with at least two items.
  std::string random_user(uint32_t seed) const;
  // Up to `limit` user keys that start with `prefix` (in file order), and how many match.
  nlohmann::json users(const std::string& prefix, int limit) const;

 private:
  std::string label_of_item(int32_t item) const { return labels_[trainer_.item_words()[item]]; }

  std::string format_;
  Item2VecOptions options_;  // checked before the log is read
  InteractionLog log_;
  Item2VecTrainer trainer_;
  ItemLabels labels_;
  mutable std::shared_ptr<const ItemKnn> knn_;  // on the whole log, made on the first recommendation that needs it
};

}  // namespace embplay
