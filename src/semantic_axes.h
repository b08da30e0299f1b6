// Semantic axes: named directions a teacher can point at. An axis is written as word pairs,
//
//   "he-she, man-woman"                  the first word of each pair is the positive end
//
// or as two word sets,
//
//   "{rich wealthy} - {poor needy}"      the first set is the positive end
//
// and is one direction in the vector space, on unit-length word vectors (cosine geometry):
//
//   axis = mean_{p in positive} p / |p|  -  mean_{n in negative} n / |n|
//
// For pairs this is the mean of the differences a_i / |a_i| - b_i / |b_i| (a word repeated over
// pairs counts each time); for sets, the difference of the two sets' means: one formula, written
// two ways. Each side needs at least two different words: one pair, or one word against one,
// mixes the direction with everything else that tells those two words apart.
//
// A word's coordinate on an axis is the cosine between the word and the axis, which is the dot
// product of the unit word vector with the unit axis; in [-1, 1], 0 for a word the axis does not
// tell apart (and for a zero vector). The map takes two axes, x and y. Optionally y is made
// orthogonal to x first (its component along x removed, Gram-Schmidt), so the two coordinates do
// not measure the same thing twice; the cosine between the axes as written is reported either way.
#pragma once

#include <string>
#include <vector>

#include "common.h"

namespace embplay {

// One axis as the user wrote it. The words are as typed (trimmed), in order.
struct AxisWords {
  std::vector<std::string> positive;  // its positive end (x: right, y: up)
  std::vector<std::string> negative;  // its negative end
  bool pairs = false;                 // written as pairs: positive[i] - negative[i]
};

// Reads an axis written as pairs or sets (see above). `name` ("x", "y") starts every message.
// Throws InputError: empty text, a pair that is not two words joined by one hyphen, an unclosed
// brace, fewer than two different words on a side, a word on both sides.
AxisWords parse_axis(const std::string& text, const std::string& name);

// A short label for each end of an axis: its first two different words, "…" when there are more
// ("he, man…"): what the map writes at the axis' ends.
std::string axis_end_label(const std::vector<std::string>& words);

// The list of typed words of the odd-one-out box (and the CLI's --words): split at commas and
// white space, empty pieces dropped.
std::vector<std::string> split_word_list(const std::string& text);

// The axis direction (d) from the vectors of its ends: positive (P, d), negative (M, d), each row
// made unit length first. Throws InputError (naming `name`) when it is (nearly) zero: both ends
// have the same mean direction.
Eigen::VectorXf axis_direction(const RowMatrix& positive, const RowMatrix& negative, const std::string& name);

struct AxesLayout {
  RowMatrix coords;         // (N, 2): each word's cosine with the x axis and with the (orthogonalised) y axis
  float cosine = 0;         // between the x and y axes as written, before any orthogonalisation
  bool orthogonal = false;  // y was made orthogonal to x
};

// Places the rows of `vectors` (N, d) on the axes x and y (d each, not zero). With `orthogonal`, y
// loses its component along x first; throws InputError when almost nothing is left (|cos| > 0.995:
// the two axes are nearly the same direction).
AxesLayout place_on_axes(const RowMatrix& vectors, const Eigen::VectorXf& x, const Eigen::VectorXf& y, bool orthogonal);

}  // namespace embplay
