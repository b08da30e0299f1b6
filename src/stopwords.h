// A small English stopword list: the function words (articles, pronouns, prepositions, conjunctions,
// auxiliary and modal verbs, a few very common adverbs) that carry little of what a sentence is
// about. Written for this project by hand (not taken from another list), lowercase, with the
// apostrophe forms the tokenizer produces ("don't"). English only: other languages keep every word.
#pragma once

#include <string>
#include <vector>

namespace embplay {

// True when `word` (lowercase, as the tokenizer writes it) is on the list.
bool is_stopword(const std::string& word);
// The whole list, sorted.
const std::vector<std::string>& stopwords();

}  // namespace embplay
