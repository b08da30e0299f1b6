// Corpus: sentences of tokens read as ids of one vocabulary. The path tokens -> counts ->
// vocabulary -> ids is written once, here: the next-word trainer builds a corpus on its training
// split (and reads its held-out sentences with that vocabulary), word2vec on the whole text. A
// corpus can also be made from sequences tokenised elsewhere (a user's items, a paragraph's
// words), so that a later model trains on them the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"
#include "tokenizer.h"
#include "vocab.h"

namespace embplay {

// Sentences as ids: sentence s is ids[starts[s]] .. ids[starts[s + 1] - 1].
struct IdSentences {
  Ids ids;                            // (tokens) every token's id, sentence after sentence
  std::vector<int64_t> starts = {0};  // (sentences + 1) where each sentence begins in ids

  int64_t size() const { return static_cast<int64_t>(starts.size()) - 1; }  // sentences
  int64_t tokens() const { return static_cast<int64_t>(ids.size()); }
  const int32_t* sentence(int64_t s) const { return ids.data() + starts[s]; }
  int64_t length(int64_t s) const { return starts[s + 1] - starts[s]; }
};

// Reads `sentences` with `vocab`: <unk> for a word outside it (held-out sentences, typed text).
IdSentences read_ids(const std::vector<Sentence>& sentences, const Vocab& vocab);

struct Corpus {
  Vocab vocab;            // built on the sentences: <pad>, <unk>, then words by count
  IdSentences sentences;  // every token, <unk> for the words the vocabulary left out
  int64_t types = 0;      // distinct words before min_count and max_size
};

// Counts `sentences`, keeps the words `options` allows and reads every sentence as ids. The
// sentences are taken by value and each one's strings are freed once it is read, so a large text
// is never held twice. Throws std::invalid_argument for options Vocab::build refuses.
Corpus make_corpus(std::vector<Sentence> sentences, const VocabOptions& options);

}  // namespace embplay
