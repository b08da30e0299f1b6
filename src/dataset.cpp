// Examples for the next-word model: each token with the k tokens before it in its sentence;
// splits of a text by whole sentences.
#include "dataset.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

namespace embplay {

Examples make_examples(const IdSentences& sentences, int context) {
  Examples ex;
  ex.context = context;
  const size_t tokens = static_cast<size_t>(sentences.tokens());
  ex.targets.reserve(tokens);
  ex.contexts.reserve(tokens * context);

  Ids window(context);  // the k previous ids, oldest first
  for (int64_t s = 0; s < sentences.size(); ++s) {
    std::fill(window.begin(), window.end(), kPadId);  // every sentence starts from padding
    const int32_t* ids = sentences.sentence(s);
    for (int64_t i = 0; i < sentences.length(s); ++i) {
      const int32_t id = ids[i];
      ex.contexts.insert(ex.contexts.end(), window.begin(), window.end());
      ex.targets.push_back(id);
      if (context > 0) {
        std::copy(window.begin() + 1, window.end(), window.begin());
        window.back() = id;
      }
    }
  }
  return ex;
}

Examples make_examples(const std::vector<Sentence>& sentences, const Vocab& vocab, int context) {
  return make_examples(read_ids(sentences, vocab), context);
}

Ids context_ids(const Vocab& vocab, const std::vector<std::string>& words, int k) {
  Ids ids(static_cast<size_t>(std::max(k, 0)), kPadId);
  const int used = std::min<int>(k, static_cast<int>(words.size()));
  for (int j = 0; j < used; ++j) ids[k - used + j] = vocab.id(words[words.size() - used + j]);
  return ids;
}

namespace {

size_t held_out(float fraction, size_t n) {
  if (fraction <= 0) return 0;
  return std::max<size_t>(1, static_cast<size_t>(std::lround(fraction * static_cast<double>(n))));
}

}  // namespace

Split split_sentences(std::vector<Sentence> sentences, float valid_fraction, float test_fraction,
                      const std::string& mode, uint32_t seed) {
  Split split;
  const size_t n = sentences.size();
  if (n < kMinSentencesToSplit && (valid_fraction > 0 || test_fraction > 0)) {
    split.notice = "The text has only " + std::to_string(n) + " sentence" + (n == 1 ? "" : "s") +
                   ", too few to hold any out (at least " + std::to_string(kMinSentencesToSplit) +
                   " are needed): training on all of it, without validation or test figures.";
    split.train = std::move(sentences);
    return split;
  }
  const size_t n_valid = held_out(valid_fraction, n), n_test = held_out(test_fraction, n);
  const size_t n_train = n - std::min(n, n_valid + n_test);

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  if (mode == "shuffle") {
    Rng rng(uint64_t{seed} ^ 0x5EED5EED5EEDull);  // its own stream: the split does not move the weights' draws
    rng.shuffle(order);
  }
  for (size_t i = 0; i < n; ++i) {
    auto& to = i < n_train ? split.train : i < n_train + n_valid ? split.valid : split.test;
    to.push_back(std::move(sentences[order[i]]));
  }
  return split;
}

}  // namespace embplay
