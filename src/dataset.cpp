// Examples for the next-word model: each token with the k tokens before it in its sentence.
#include "dataset.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace embplay {

Examples make_examples(const std::vector<Sentence>& sentences, const Vocab& vocab, int context) {
  Examples ex;
  ex.context = context;
  size_t tokens = 0;
  for (const auto& s : sentences) tokens += s.size();
  ex.targets.reserve(tokens);
  ex.contexts.reserve(tokens * context);

  Ids window(context);  // the k previous ids, oldest first
  for (const auto& sentence : sentences) {
    std::fill(window.begin(), window.end(), kPadId);  // every sentence starts from padding
    for (const auto& word : sentence) {
      const int32_t id = vocab.id(word);
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

Split split_sentences(std::vector<Sentence> sentences, float valid_fraction) {
  Split split;
  size_t n_valid = 0;
  if (sentences.size() >= 2 && valid_fraction > 0) {
    n_valid = static_cast<size_t>(std::lround(valid_fraction * sentences.size()));
    n_valid = std::max<size_t>(1, std::min(n_valid, sentences.size() - 1));
  }
  const auto cut = sentences.end() - static_cast<std::ptrdiff_t>(n_valid);
  split.valid.assign(std::make_move_iterator(cut), std::make_move_iterator(sentences.end()));
  sentences.erase(cut, sentences.end());
  split.train = std::move(sentences);
  return split;
}

}  // namespace embplay
