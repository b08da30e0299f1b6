// Semantic axes: reading them, their directions, and words placed on two of them (see semantic_axes.h).
#include "semantic_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "geometry.h"
#include "input_error.h"

namespace embplay {
namespace {

const char* const kSpace = " \t\r\n";
const char* const kExample = "pairs (he-she, man-woman) or two sets ({rich wealthy} - {poor needy})";

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(kSpace), e = s.find_last_not_of(kSpace);
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Words separated by white space and commas.
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text + " ") {
    if (c == ',' || std::string(kSpace).find(c) != std::string::npos) {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

// "{a b} - {c d}": the two sets, or InputError.
void read_sets(const std::string& text, const std::string& name, AxisWords& out) {
  const std::string form = name + " axis: write two sets as {rich wealthy} - {poor needy}";
  const size_t open1 = text.find('{'), close1 = text.find('}', open1);
  if (open1 != 0 || close1 == std::string::npos) throw InputError(form);
  const size_t open2 = text.find('{', close1), close2 = text.find('}', open2);
  if (open2 == std::string::npos || close2 == std::string::npos || trim(text.substr(close1 + 1, open2 - close1 - 1)) != "-" ||
      !trim(text.substr(close2 + 1)).empty())
    throw InputError(form);
  out.positive = words_of(text.substr(open1 + 1, close1 - open1 - 1));
  out.negative = words_of(text.substr(open2 + 1, close2 - open2 - 1));
  for (const auto* side : {&out.positive, &out.negative})
    for (auto w = side->begin(); w != side->end(); ++w)
      if (std::find(side->begin(), w, *w) != w) throw InputError(name + " axis: \u201c" + *w + "\u201d is written twice in one set");
}

// "a-b, c-d": the pairs, or InputError.
void read_pairs(const std::string& text, const std::string& name, AxisWords& out) {
  size_t from = 0;
  while (from <= text.size()) {
    const size_t comma = std::min(text.find(',', from), text.size());
    const std::string piece = trim(text.substr(from, comma - from));
    from = comma + 1;
    if (piece.empty()) continue;
    const size_t dash = piece.find('-');
    const std::string a = dash == std::string::npos ? "" : trim(piece.substr(0, dash));
    const std::string b = dash == std::string::npos ? "" : trim(piece.substr(dash + 1));
    const auto one_word = [](const std::string& w) { return !w.empty() && w.find_first_of(kSpace) == std::string::npos && w.find('-') == std::string::npos; };
    if (!one_word(a) || !one_word(b))
      throw InputError(name + " axis: \u201c" + piece + "\u201d is not a pair: write two words joined by a hyphen, pairs " +
                       "separated by commas (he-she, man-woman); for words with a hyphen use sets ({\u2026} - {\u2026})");
    out.positive.push_back(a);
    out.negative.push_back(b);
  }
}

std::string joined_pairs(const AxisWords& axis) {
  std::string s;
  for (size_t i = 0; i < axis.positive.size(); ++i) s += (i ? ", " : "") + axis.positive[i] + "-" + axis.negative[i];
  return s;
}

std::string joined_set(const std::vector<std::string>& words) {
  std::string s = "{";
  for (size_t i = 0; i < words.size(); ++i) s += (i ? " " : "") + words[i];
  return s + "}";
}

}  // namespace

AxisWords parse_axis(const std::string& typed, const std::string& name) {
  const std::string text = trim(typed);
  if (text.empty()) throw InputError(name + " axis: type its two ends, as " + kExample);
  AxisWords out;
  out.pairs = text.find('{') == std::string::npos && text.find('}') == std::string::npos;
  if (out.pairs) read_pairs(text, name, out);
  else read_sets(text, name, out);

  // The rule, the same in both forms: at least two different words at each end.
  for (const auto* side : {&out.positive, &out.negative}) {
    if (std::set<std::string>(side->begin(), side->end()).size() >= 2) continue;
    std::string has;
    if (!out.pairs) has = joined_set(*side) + " has " + (side->empty() ? "none" : "one");
    else if (out.positive.size() == 1) has = "\u201c" + joined_pairs(out) + "\u201d is one pair";
    else has = "\u201c" + joined_pairs(out) + "\u201d has only \u201c" + side->front() + "\u201d on one side";
    throw InputError(name + " axis: each side needs at least two different words, and " + has + ": add another " +
                     (out.pairs ? "pair (he-she, man-woman)" : "word ({rich wealthy} - {poor needy})"));
  }
  for (const std::string& w : out.positive)
    if (std::find(out.negative.begin(), out.negative.end(), w) != out.negative.end())
      throw InputError(name + " axis: \u201c" + w + "\u201d is on both sides");
  return out;
}

std::string axis_end_label(const std::vector<std::string>& words) {
  std::vector<std::string> distinct;
  for (const std::string& w : words)
    if (std::find(distinct.begin(), distinct.end(), w) == distinct.end()) distinct.push_back(w);
  std::string s;
  for (size_t i = 0; i < distinct.size() && i < 2; ++i) s += (i ? ", " : "") + distinct[i];
  return distinct.size() > 2 ? s + "\u2026" : s;
}

std::vector<std::string> split_word_list(const std::string& text) { return words_of(text); }

Eigen::VectorXf axis_direction(const RowMatrix& positive, const RowMatrix& negative, const std::string& name) {
  if (positive.rows() == 0 || negative.rows() == 0 || positive.cols() != negative.cols())
    throw InputError(name + " axis: both ends need words with vectors of the same size");
  const Eigen::VectorXf axis = (unit_rows(positive).colwise().mean() - unit_rows(negative).colwise().mean()).transpose();
  // Unit vectors' means differ by at most 2; a difference this small is rounding, not a direction.
  if (!axis.allFinite() || axis.norm() < 1e-4f)
    throw InputError(name + " axis: its two ends have the same mean direction, so there is no axis between them");
  return axis;
}

AxesLayout place_on_axes(const RowMatrix& vectors, const Eigen::VectorXf& x, const Eigen::VectorXf& y, bool orthogonal) {
  const Eigen::VectorXf ux = x.normalized();
  Eigen::VectorXf uy = y.normalized();
  AxesLayout out;
  out.cosine = ux.dot(uy);
  out.orthogonal = orthogonal;
  if (orthogonal) {
    if (std::abs(out.cosine) > 0.995f) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "the y axis is almost the x axis (cosine %.3f): made orthogonal to x, nothing is left of it; "
                    "choose another y, or keep y as it is", out.cosine);
      throw InputError(text);
    }
    uy = (uy - out.cosine * ux).normalized();  // Gram-Schmidt
  }
  const RowMatrix unit = unit_rows(vectors);  // (N, d)
  out.coords.resize(vectors.rows(), 2);
  out.coords.col(0) = unit * ux;
  out.coords.col(1) = unit * uy;
  return out;
}

}  // namespace embplay
