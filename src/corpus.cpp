// Corpus: one count of the tokens, the vocabulary chosen from it, and every sentence as ids.
#include "corpus.h"

#include <utility>

namespace embplay {

namespace {

void append(IdSentences& out, const Sentence& sentence, const Vocab& vocab) {
  for (const std::string& word : sentence) out.ids.push_back(vocab.id(word));
  out.starts.push_back(out.tokens());
}

size_t tokens_in(const std::vector<Sentence>& sentences) {
  size_t n = 0;
  for (const Sentence& s : sentences) n += s.size();
  return n;
}

}  // namespace

IdSentences read_ids(const std::vector<Sentence>& sentences, const Vocab& vocab) {
  IdSentences out;
  out.ids.reserve(tokens_in(sentences));
  out.starts.reserve(sentences.size() + 1);
  for (const Sentence& s : sentences) append(out, s, vocab);
  return out;
}

Corpus make_corpus(std::vector<Sentence> sentences, const VocabOptions& options) {
  Corpus c;
  {
    const WordCounts counts = WordCounts::of(sentences);
    c.types = counts.types();
    c.vocab = Vocab::from_counts(counts, options);
  }
  c.sentences.ids.reserve(tokens_in(sentences));
  c.sentences.starts.reserve(sentences.size() + 1);
  for (Sentence& s : sentences) {
    append(c.sentences, s, c.vocab);
    Sentence().swap(s);  // free the strings as we go
  }
  return c;
}

}  // namespace embplay
