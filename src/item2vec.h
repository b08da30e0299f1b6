// item2vec (Barkan & Koenigstein 2016): word2vec's skip-gram with negative sampling over items
// instead of words. A "sentence" is a basket (every other item of the basket is context: the
// window is the whole basket) or a user's items in time order (a window of `window` items each
// side). The word2vec core trains it (Word2VecTrainer on a Corpus); this file only builds
// the sentences and turns the vectors into a recommender.
//
//   input   (I, d)  row i: item i's vector, what the map, "bought together" and users are made of
//   output  (I, d)  row j: scores item j as the context of an item (skip-gram's second table)
//
// A user is their history's items weighted by recency, w_p = 0.5^(age_p / half_life) with age_p
// the number of items after p (all 1 when half_life is 0), normalised to sum 1. Item j scores
//   similarity "output": sum_p w_p input[i_p] . output[j]      (skip-gram's own co-occurrence score)
//   similarity "cosine": sum_p w_p cos(input[i_p], input[j])   (item2vec's item-item similarity)
//   similarity "projected": sum_p w_p output[i_p] M output[j], M = (O^T O + lambda I)^-1 (d, d):
//     the user's items regressed onto the output table O (I, d), which discounts the directions
//     every item shares (popularity) as EASE does with its inverse

// both linear in the history, so the reason for j is the p with the largest w_p * s(i_p, j).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common.h"
#include "corpus.h"
#include "interactions.h"
#include "recommend.h"
#include "word2vec.h"

namespace embplay {

// The defaults are the options chosen on the validation split of Online Retail for the next
// basket (last-invoice; bench/README.md, Recommendations): quick to train, the map's and the
// page's recommendations' options. tuned_item2vec_options() gives the ones for the next item.
struct Item2VecOptions {
  std::string context = "sequence";      // "basket": the whole basket; "sequence": a user's items in time order
  int window = 3;                        // sequence only: largest distance to a context item; 1..50
  int dim = 64;                          // d: vector size; 2..512
  int negative = 5;                      // noise items per target; 1..50
  int epochs = 2;                        // passes over the baskets; 1..200
  float lr = 0.05f;                      // starting learning rate, decaying linearly to 0; 0.0001..1
  double sample = 0;                     // subsampling threshold t (items are more even than words); 0..1
  uint32_t seed = 1;                     // initial vectors, subsampling and negatives
  std::string similarity = "projected";  // "output": input . output; "cosine": cosine of input vectors; "projected"
  float ridge = 0.3f;                    // projected only: lambda / (trace(O^T O) / d); 0.0001..100
  float half_life = 30;                  // recency of a user's items, in items; 0 = all count the same; 0..1000
  float knn_weight = 3;                  // item kNN's standardised score added with this weight (Blend); 0 = item2vec alone; 0..100
};

// The option table, as word2vec's: schema for the page's form, JSON in and out, the CLI's flags.
nlohmann::json item2vec_schema();
Item2VecOptions item2vec_options_from_json(const nlohmann::json& j);
nlohmann::json item2vec_options_to_json(const Item2VecOptions& o);
void set_item2vec_option(Item2VecOptions& o, const std::string& name, const std::string& value);
void validate(const Item2VecOptions& o);  // throws InputError naming the field and its range

// The word2vec corpus of item2vec: the vocabulary is <pad>, <unk>, then the items' keys by their
// count in `train`, most first (ties by item id), so that its first words are the most bought, as
// a text's are; a sentence per basket (context "basket") or per user ("sequence"). Throws
// InputError when no sentence has two items.
Corpus item2vec_corpus(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                       const std::string& context);

// Trains in steps (as the page's worker needs): builds the sentences and the vocabulary (item keys,
// counts from `train`), then runs word2vec with the whole-sentence window for baskets.
class Item2VecTrainer {
 public:
  // Throws InputError when no basket (or user) has two items.
  Item2VecTrainer(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                  const Item2VecOptions& options);
  Word2VecProgress step(int64_t budget) { return w2v_.step(budget); }
  const Word2VecTrainer& word2vec() const { return w2v_; }
  const Item2VecOptions& options() const { return options_; }
  const Ids& item_words() const { return item_words_; }  // (I) item id -> its word id in word2vec's vocabulary

 private:
  Item2VecOptions options_;
  Word2VecTrainer w2v_;
  Ids item_words_;
};

class Item2Vec : public Recommender {
 public:
  // From a trainer's tables, rows taken in item order.
  Item2Vec(const Item2VecTrainer& trained, const Item2VecOptions& options);
  std::string name() const override { return "item2vec"; }
  void score(const History& h, float* scores) const override;
  int32_t reason(const History& h, int32_t item) const override;

  // Items bought together with `item`: nearest by cosine of the input vectors, (id, cosine).
  std::vector<std::pair<int32_t, float>> similar(int32_t item, int k) const;
  const RowMatrix& vectors() const { return input_; }  // (I, d)

 private:
  std::vector<float> weights(const History& h) const;  // (n) w_p, summing to 1
  float pair_score(int32_t i, int32_t j) const;         // s(i, j)

  Item2VecOptions options_;
  RowMatrix input_;   // (I, d)
  RowMatrix target_;  // (I, d) output rows ("output"), or unit input rows ("cosine")
  RowMatrix source_;  // (I, d) input rows ("output"), or unit input rows ("cosine")
};

// The options chosen on the validation split of Online Retail (bench/README.md, Recommendations),
// per split, with `changes` ({name: value}, as in the option table) set on top: flags given on the
// command line, or the fields of the page's form that differ from the defaults. The next basket's
// new items: the defaults (the whole history with a half-life of 30 items regressed onto the
// output vectors, window 3, 2 epochs, item kNN added with weight 3). The item after a user's last
// one is best foretold by that last item: window 5, 5 epochs, subsampling 1e-3, the output score
// with a half-life of 0.3 items, item kNN added with weight 0.7. Throws InputError for a bad change.
Item2VecOptions tuned_item2vec_options(SplitKind kind, const nlohmann::json& changes = nlohmann::json::object());
// The fields of `o` that differ from the defaults, as {name: value}.
nlohmann::json item2vec_changes(const Item2VecOptions& o);

// item2vec as the recommender its options describe: the trained vectors alone (knn_weight 0), or
// blended with item kNN (`knn`, fitted on the same histories; made from `train` when null).
std::shared_ptr<const Recommender> item2vec_recommender(std::shared_ptr<const Item2Vec> model, const Item2VecOptions& options,
                                                  const std::vector<History>& train, int32_t items,
                                                  std::shared_ptr<const ItemKnn> knn = nullptr);

// Trains to the end in one call (the CLI, tests, benchmarks).
Item2Vec train_item2vec(const std::vector<History>& train, const std::vector<std::string>& item_keys,
                        const Item2VecOptions& options);

}  // namespace embplay
