// The stopword list (see stopwords.h), kept sorted for binary search.
#include "stopwords.h"

#include <algorithm>

namespace embplay {

const std::vector<std::string>& stopwords() {
  static const std::vector<std::string> list = [] {
    std::vector<std::string> w = {
        // articles, determiners and quantifiers
        "a", "an", "the", "this", "that", "these", "those", "some", "any", "each", "every", "no", "all", "both",
        "either", "neither", "such", "other", "another", "own", "same", "few", "more", "most", "much", "many",
        // pronouns
        "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your", "yours",
        "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its",
        "itself", "they", "them", "their", "theirs", "themselves", "who", "whom", "whose", "which", "what",
        // prepositions
        "about", "above", "across", "after", "against", "along", "among", "around", "at", "before", "behind",
        "below", "beneath", "beside", "between", "beyond", "by", "down", "during", "for", "from", "in", "into",
        "near", "of", "off", "on", "onto", "out", "over", "through", "throughout", "to", "toward", "towards",
        "under", "until", "up", "upon", "with", "within", "without", "via",
        // conjunctions and relative words
        "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "because", "as", "while", "whether",
        "although", "though", "unless", "since", "when", "where", "why", "how", "whereas",
        // auxiliary and modal verbs, with their contracted forms
        "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does",
        "did", "doing", "done", "can", "could", "may", "might", "must", "shall", "should", "will", "would",
        "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "doesn't", "don't", "didn't",
        "can't", "couldn't", "won't", "wouldn't", "shouldn't", "mustn't", "i'm", "i've", "i'll", "i'd",
        "you're", "you've", "you'll", "you'd", "he's", "she's", "it's", "we're", "we've", "they're",
        "they've", "that's", "there's", "let's",
        // common adverbs and particles
        "not", "only", "very", "too", "also", "just", "there", "here", "again", "once", "now", "ever", "still",
        "even", "s", "t"};
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    return w;
  }();
  return list;
}

bool is_stopword(const std::string& word) {
  const auto& list = stopwords();
  return std::binary_search(list.begin(), list.end(), word);
}

}  // namespace embplay
