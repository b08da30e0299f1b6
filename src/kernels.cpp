// Our matrix product and exp kernels (see kernels.h for when they run instead of Eigen's).
//
// Everything is written once against a tiny four-lane float type, f32x4: WebAssembly's v128 under
// __wasm_simd128__, a portable struct elsewhere. WebAssembly SIMD (as compiled by clang 14) has no
// fused multiply-add, so products are mul then add.
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "parallel.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace embplay {
namespace kernels {
namespace simd {
namespace {

// ---- f32x4: four float lanes, and the handful of operations the kernels use ----

#ifdef __wasm_simd128__
using f32x4 = v128_t;
inline f32x4 load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, f32x4 v) { wasm_v128_store(p, v); }
inline f32x4 splat(float x) { return wasm_f32x4_splat(x); }
inline f32x4 load_splat(const float* p) { return wasm_v128_load32_splat(p); }
inline f32x4 add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
inline f32x4 sub(f32x4 a, f32x4 b) { return wasm_f32x4_sub(a, b); }
inline f32x4 mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }
// a < b ? b : a and b < a ? b : a, lane by lane: one x86 instruction each, and NaN in a stays.
inline f32x4 max_keep_nan(f32x4 a, f32x4 b) { return wasm_f32x4_pmax(a, b); }
inline f32x4 min_keep_nan(f32x4 a, f32x4 b) { return wasm_f32x4_pmin(a, b); }
inline f32x4 round_even(f32x4 a) { return wasm_f32x4_nearest(a); }
// 2^n for integral n in [-126, 127], built in the exponent field.
inline f32x4 pow2(f32x4 n) {
  return wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
}
// Lanes where x < limit take `below`, the others keep `value`; likewise above.
inline f32x4 where_less(f32x4 x, f32x4 limit, f32x4 below, f32x4 value) {
  return wasm_v128_bitselect(below, value, wasm_f32x4_lt(x, limit));
}
inline f32x4 where_greater(f32x4 x, f32x4 limit, f32x4 above, f32x4 value) {
  return wasm_v128_bitselect(above, value, wasm_f32x4_gt(x, limit));
}
// The 4 x 4 block whose rows are a, b, c, d becomes its transpose (lane j of the new a is lane 0 of
// the old j-th row, and so on), in eight shuffles.
inline void transpose4(f32x4& a, f32x4& b, f32x4& c, f32x4& d) {
  const f32x4 ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), cd_lo = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
  const f32x4 ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7), cd_hi = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
  a = wasm_i32x4_shuffle(ab_lo, cd_lo, 0, 1, 4, 5);
  b = wasm_i32x4_shuffle(ab_lo, cd_lo, 2, 3, 6, 7);
  c = wasm_i32x4_shuffle(ab_hi, cd_hi, 0, 1, 4, 5);
  d = wasm_i32x4_shuffle(ab_hi, cd_hi, 2, 3, 6, 7);
}
inline float sum_lanes(f32x4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}
inline float max_lanes(f32x4 v) {
  const float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  const float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  return std::max(std::max(a, b), std::max(c, d));
}
#else
struct f32x4 {
  float lane[4];
};
template <typename F>
inline f32x4 each(f32x4 a, f32x4 b, F f) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.lane[i] = f(a.lane[i], b.lane[i]);
  return r;
}
inline f32x4 load(const float* p) {
  f32x4 r;
  std::memcpy(r.lane, p, sizeof r.lane);
  return r;
}
inline void store(float* p, f32x4 v) { std::memcpy(p, v.lane, sizeof v.lane); }
inline f32x4 splat(float x) { return {{x, x, x, x}}; }
inline f32x4 load_splat(const float* p) { return splat(*p); }
inline f32x4 add(f32x4 a, f32x4 b) { return each(a, b, [](float x, float y) { return x + y; }); }
inline f32x4 sub(f32x4 a, f32x4 b) { return each(a, b, [](float x, float y) { return x - y; }); }
inline f32x4 mul(f32x4 a, f32x4 b) { return each(a, b, [](float x, float y) { return x * y; }); }
inline f32x4 max_keep_nan(f32x4 a, f32x4 b) { return each(a, b, [](float x, float y) { return x < y ? y : x; }); }
inline f32x4 min_keep_nan(f32x4 a, f32x4 b) { return each(a, b, [](float x, float y) { return y < x ? y : x; }); }
inline f32x4 round_even(f32x4 a) { return each(a, a, [](float x, float) { return std::nearbyint(x); }); }
inline f32x4 pow2(f32x4 n) {
  return each(n, n, [](float x, float) {
    const int32_t e = x == x ? static_cast<int32_t>(x) : 0;  // as wasm's saturating truncation: NaN -> 0
    const int32_t bits = (e + 127) * (1 << 23);
    float r;
    std::memcpy(&r, &bits, sizeof r);
    return r;
  });
}
inline f32x4 where_less(f32x4 x, f32x4 limit, f32x4 below, f32x4 value) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.lane[i] = x.lane[i] < limit.lane[i] ? below.lane[i] : value.lane[i];
  return r;
}
inline f32x4 where_greater(f32x4 x, f32x4 limit, f32x4 above, f32x4 value) {
  f32x4 r;
  for (int i = 0; i < 4; ++i) r.lane[i] = x.lane[i] > limit.lane[i] ? above.lane[i] : value.lane[i];
  return r;
}
inline void transpose4(f32x4& a, f32x4& b, f32x4& c, f32x4& d) {
  f32x4* rows[4] = {&a, &b, &c, &d};
  f32x4 t[4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) t[j].lane[i] = rows[i]->lane[j];
  a = t[0], b = t[1], c = t[2], d = t[3];
}
inline float sum_lanes(f32x4 v) { return (v.lane[0] + v.lane[1]) + (v.lane[2] + v.lane[3]); }
inline float max_lanes(f32x4 v) {
  return std::max(std::max(v.lane[0], v.lane[1]), std::max(v.lane[2], v.lane[3]));
}
#endif

// ---- matrix product ----
//
// C is computed in tiles of kMr x kNr = 8 x 4: eight f32x4 accumulators, which with the two A
// vectors and a B broadcast fit x86's 16 vector registers (V8 uses no more). Per step p of the
// shared dimension, the tile adds (8 rows of column p of op(A)) x (row p of 4 columns of op(B)):
// two loads, four broadcasts, 8 mul + 8 add = 64 flops.
//
// op(A) is packed, kKc steps at a time, into a panel laid out step by step (panel[p * kMr + r] =
// op(A)(i + r, p)), so the tile reads it contiguously whatever A's layout; rows past m are zeros.
// The panel (8 KB) is reused from L1 for every tile in its row. op(B) is read where it lies: the
// broadcasts take one float each, so either layout streams. C is written once per kKc steps.
constexpr int kMr = 8;
constexpr int kNr = 4;
constexpr int kKc = 256;

// panel (kc, kMr) <- rows [i, i + rows) and steps [p0, p0 + kc) of op(A).
void pack_a(bool trans_a, const float* a, int lda, int i, int p0, int rows, int kc, float* panel) {
  if (!trans_a && rows == kMr) {  // column p of A holds the 8 rows contiguously
    const float* src = a + i + static_cast<std::ptrdiff_t>(p0) * lda;
    for (int p = 0; p < kc; ++p, src += lda) {
      store(panel + p * kMr, load(src));
      store(panel + p * kMr + 4, load(src + 4));
    }
    return;
  }
  if (trans_a && rows == kMr) {  // row i + r of op(A) is column i + r of A: 4 x 4 blocks, transposed
    const float* src = a + p0 + static_cast<std::ptrdiff_t>(i) * lda;
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      for (int half = 0; half < kMr; half += 4) {
        const float* row = src + p + static_cast<std::ptrdiff_t>(half) * lda;
        f32x4 s0 = load(row), s1 = load(row + lda), s2 = load(row + 2 * lda), s3 = load(row + 3 * lda);
        transpose4(s0, s1, s2, s3);  // s_j: the four rows at step p + j
        store(panel + (p + 0) * kMr + half, s0);
        store(panel + (p + 1) * kMr + half, s1);
        store(panel + (p + 2) * kMr + half, s2);
        store(panel + (p + 3) * kMr + half, s3);
      }
    }
    for (; p < kc; ++p)
      for (int r = 0; r < kMr; ++r) panel[p * kMr + r] = src[p + static_cast<std::ptrdiff_t>(r) * lda];
    return;
  }
  std::fill(panel, panel + kc * kMr, 0.0f);
  for (int r = 0; r < rows; ++r) {
    if (trans_a) {  // op(A) row i + r is column i + r of A: contiguous in p
      const float* src = a + p0 + static_cast<std::ptrdiff_t>(i + r) * lda;
      for (int p = 0; p < kc; ++p) panel[p * kMr + r] = src[p];
    } else {
      const float* src = a + i + r + static_cast<std::ptrdiff_t>(p0) * lda;
      for (int p = 0; p < kc; ++p) panel[p * kMr + r] = src[static_cast<std::ptrdiff_t>(p) * lda];
    }
  }
}

// tile (kMr, kNr) <- panel (kc steps) x op(B); b_col[q] points at op(B)(p0, j + q), and the next
// step of a column is `step` floats on: 1 when B is stored (k, n), ldb when it is stored (n, k).
template <bool kTransB>
void multiply_tile(int kc, const float* panel, const float* const* b_col, int ldb, float* tile) {
  const std::ptrdiff_t step = kTransB ? ldb : 1;
  const float *b0 = b_col[0], *b1 = b_col[1], *b2 = b_col[2], *b3 = b_col[3];
  const f32x4 zero = splat(0.0f);
  f32x4 c0l = zero, c0h = zero, c1l = zero, c1h = zero, c2l = zero, c2h = zero, c3l = zero, c3h = zero;
  for (int p = 0; p < kc; ++p) {
    const f32x4 lo = load(panel), hi = load(panel + 4);
    panel += kMr;
    f32x4 b = load_splat(b0);
    c0l = add(c0l, mul(lo, b));
    c0h = add(c0h, mul(hi, b));
    b = load_splat(b1);
    c1l = add(c1l, mul(lo, b));
    c1h = add(c1h, mul(hi, b));
    b = load_splat(b2);
    c2l = add(c2l, mul(lo, b));
    c2h = add(c2h, mul(hi, b));
    b = load_splat(b3);
    c3l = add(c3l, mul(lo, b));
    c3h = add(c3h, mul(hi, b));
    b0 += step, b1 += step, b2 += step, b3 += step;
  }
  store(tile + 0, c0l), store(tile + 4, c0h);
  store(tile + 8, c1l), store(tile + 12, c1h);
  store(tile + 16, c2l), store(tile + 20, c2h);
  store(tile + 24, c3l), store(tile + 28, c3h);
}

// C block (rows, cols) at c <- tile, or += tile when accumulating over a later kKc block.
void store_tile(const float* tile, float* c, int ldc, int rows, int cols, bool accumulate) {
  for (int q = 0; q < cols; ++q, c += ldc, tile += kMr) {
    if (rows == kMr) {
      f32x4 lo = load(tile), hi = load(tile + 4);
      if (accumulate) lo = add(lo, load(c)), hi = add(hi, load(c + 4));
      store(c, lo);
      store(c + 4, hi);
    } else {
      for (int r = 0; r < rows; ++r) c[r] = accumulate ? c[r] + tile[r] : tile[r];
    }
  }
}

// ---- exp ----

constexpr float kLog2e = 1.44269504088896341f;
// ln 2 split in two: kLn2Hi has few mantissa bits, so n * kLn2Hi is exact for the n we meet.
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kMinX = -87.3365447504f;  // ln(FLT_MIN): below it we return 0
constexpr float kMaxX = 88.7228391117f;   // ln(FLT_MAX): above it we return +inf

inline f32x4 exp4(f32x4 x) {
  // Clamping keeps 2^n in range; lanes outside are replaced at the end.
  const f32x4 xc = min_keep_nan(max_keep_nan(x, splat(kMinX)), splat(kMaxX));
  const f32x4 n = round_even(mul(xc, splat(kLog2e)));  // n in [-126, 128]
  const f32x4 r = sub(sub(xc, mul(n, splat(kLn2Hi))), mul(n, splat(kLn2Lo)));
  // e^r = 1 + r + r^2 P(r), Cephes' minimax coefficients for |r| <= ln2 / 2.
  f32x4 p = splat(1.9875691500e-4f);
  p = add(mul(p, r), splat(1.3981999507e-3f));
  p = add(mul(p, r), splat(8.3334519073e-3f));
  p = add(mul(p, r), splat(4.1665795894e-2f));
  p = add(mul(p, r), splat(1.6666665459e-1f));
  p = add(mul(p, r), splat(5.0000001201e-1f));
  const f32x4 er = add(add(mul(p, mul(r, r)), r), splat(1.0f));
  // 2^n as 2^h * 2^(n - h) with h = round(n / 2), so n = 128 (x near ln(FLT_MAX)) stays representable.
  const f32x4 h = round_even(mul(n, splat(0.5f)));
  const f32x4 y = mul(mul(er, pow2(h)), pow2(sub(n, h)));
  return where_greater(x, splat(kMaxX), splat(std::numeric_limits<float>::infinity()),
                       where_less(x, splat(kMinX), splat(0.0f), y));
}

// Applies exp4 to x[0..n) - shift; writes the terms when out is set; returns their sum.
template <bool kWrite>
float exp_shifted_impl(const float* x, float shift, float* out, int n) {
  const f32x4 s = splat(shift);
  f32x4 total = splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const f32x4 e = exp4(sub(load(x + i), s));
    if (kWrite) store(out + i, e);
    total = add(total, e);
  }
  float sum = sum_lanes(total);
  if (i < n) {  // the last 1-3 values, padded with -inf (whose exp is 0)
    alignas(16) float tail[4] = {-std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
    std::copy(x + i, x + n, tail);
    store(tail, exp4(sub(load(tail), s)));
    for (int j = 0; j < n - i; ++j) {
      if (kWrite) out[i + j] = tail[j];
      sum += tail[j];
    }
  }
  return sum;
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int j = 0; j < n; ++j) std::fill(c + static_cast<std::ptrdiff_t>(j) * ldc, c + static_cast<std::ptrdiff_t>(j) * ldc + m, 0.0f);
    return;
  }
  alignas(16) float panel[kMr * kKc];
  alignas(16) float tile[kMr * kNr];
  for (int p0 = 0; p0 < k; p0 += kKc) {
    const int kc = std::min(kKc, k - p0);
    for (int i = 0; i < m; i += kMr) {
      const int rows = std::min(kMr, m - i);
      pack_a(trans_a, a, lda, i, p0, rows, kc, panel);
      for (int j = 0; j < n; j += kNr) {
        const int cols = std::min(kNr, n - j);
        const float* b_col[kNr];
        for (int q = 0; q < kNr; ++q) {
          // Past the last column, repeat it: the tile's extra columns are computed and dropped.
          const std::ptrdiff_t col = j + std::min(q, cols - 1);
          b_col[q] = trans_b ? b + col + static_cast<std::ptrdiff_t>(p0) * ldb : b + p0 + col * ldb;
        }
        if (trans_b) {
          multiply_tile<true>(kc, panel, b_col, ldb, tile);
        } else {
          multiply_tile<false>(kc, panel, b_col, ldb, tile);
        }
        store_tile(tile, c + i + static_cast<std::ptrdiff_t>(j) * ldc, ldc, rows, cols, p0 > 0);
      }
    }
  }
}

void exp(const float* x, float* out, int n) { exp_shifted_impl<true>(x, 0.0f, out, n); }

float exp_shifted(const float* x, float shift, float* out, int n) { return exp_shifted_impl<true>(x, shift, out, n); }

float sum_exp_shifted(const float* x, float shift, int n) { return exp_shifted_impl<false>(x, shift, nullptr, n); }

float max_of(const float* x, int n) {
  int i = 0;
  float best = x[0];
  if (n >= 8) {  // two accumulators, so consecutive maxima do not wait on each other
    f32x4 m0 = load(x), m1 = load(x + 4);
    for (i = 8; i + 8 <= n; i += 8) {
      m0 = max_keep_nan(m0, load(x + i));
      m1 = max_keep_nan(m1, load(x + i + 4));
    }
    best = max_lanes(max_keep_nan(m0, m1));
  }
  for (; i < n; ++i) best = std::max(best, x[i]);
  return best;
}

}  // namespace simd

// ---- what the model and the loss call: Eigen natively, simd:: in WebAssembly SIMD builds ----

namespace {

// One product on one thread: simd::gemm in WebAssembly SIMD builds, Eigen on maps otherwise.
void gemm_here(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
               float* c, int ldc) {
  if (kOwnKernels) {
    simd::gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
    return;
  }
  if (m <= 0 || n <= 0) return;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<Matrix, 0, Stride> cm(c, m, n, Stride(ldc));
  if (k <= 0) {
    cm.setZero();
    return;
  }
  const Eigen::Map<const Matrix, 0, Stride> am(a, trans_a ? k : m, trans_a ? m : k, Stride(lda));
  const Eigen::Map<const Matrix, 0, Stride> bm(b, trans_b ? n : k, trans_b ? k : n, Stride(ldb));
  if (trans_a && trans_b) cm.noalias() = am.transpose() * bm.transpose();
  else if (trans_a) cm.noalias() = am.transpose() * bm;
  else if (trans_b) cm.noalias() = am * bm.transpose();
  else cm.noalias() = am * bm;
}

// Products of at least this many multiply-adds are cut into parts of C, shared by the threads of
// parallel::run_parts. Below it, handing work to the other thread costs more than it saves.
constexpr double kSplitMultiplyAdds = 2.0 * 1024 * 1024;
// Parts of about this many multiply-adds, at most kMaxParts: small enough that a thread whose core
// is busy elsewhere for a while leaves its share to the other, big enough to keep the SIMD kernels
// on long rows.
constexpr double kPartMultiplyAdds = 4.0 * 1024 * 1024;
constexpr int kMaxParts = 8;

// How C is cut: at multiples of the SIMD tile (8 rows, 4 columns), into parts decided from the
// shapes alone, never from the thread count: with one thread or two, every element of C comes from
// the same part's product, so from the same sequence of float operations, and the results are the
// same bits. Our kernels cut the rows when C has at least as many rows as columns (and two row
// tiles): a part then packs only its own rows of op(A), where each part of the columns packs all of
// op(A) again, 2.5 MB per part for the output layer's W2 dlogits (128 x 128 x 5,002). Columns when
// C is wider: each part's columns of op(B) then stay in cache while every row panel passes over
// them. Eigen, which packs both operands, does W2 dlogits 10% faster cut by columns
// (bench/gemm_bench.cpp), so natively a square C keeps that cut.
struct Cut {
  bool rows = false;  // cut C's rows (op(A)'s rows), else its columns (op(B)'s columns)
  int size = 0;       // C's rows or columns
  int step = 1;       // parts begin at multiples of this
  int parts = 1;      // 1: not cut
  int begin(int part) const { return std::min(size, (size * part / parts + step - 1) / step * step); }
};
Cut cut_of(int m, int n, int k) {
  const double work = static_cast<double>(m) * n * k;
  Cut cut;
  cut.rows = kOwnKernels ? (m >= n && m >= 16) || n < 8 : m > n;
  cut.size = cut.rows ? m : n;
  cut.step = cut.rows ? 8 : 4;
  if (work < kSplitMultiplyAdds) return cut;
  cut.parts = std::clamp(static_cast<int>(work / kPartMultiplyAdds), 2, kMaxParts);
  cut.parts = std::min(cut.parts, cut.size / cut.step);  // parts of at least one tile
  return cut;
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float* c, int ldc) {
  const Cut cut = cut_of(m, n, k);
  if (cut.parts < 2) {
    gemm_here(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
    return;
  }
  parallel::run_parts(cut.parts, [&](int part) {
    const std::ptrdiff_t at = cut.begin(part);
    const int count = cut.begin(part + 1) - cut.begin(part);
    if (count == 0) return;
    if (cut.rows) {  // rows [at, at + count) of op(A) and of C
      const float* a_part = trans_a ? a + at * lda : a + at;
      gemm_here(trans_a, trans_b, count, n, k, a_part, lda, b, ldb, c + at, ldc);
    } else {  // columns [at, at + count) of op(B) and of C
      const float* b_part = trans_b ? b + at : b + at * ldb;
      gemm_here(trans_a, trans_b, m, count, k, a, lda, b_part, ldb, c + at * ldc, ldc);
    }
  });
}

void matmul(Matrix& c, const Matrix& a, const Matrix& b) {
  c.resize(a.rows(), b.cols());
  gemm(false, false, int(c.rows()), int(c.cols()), int(a.cols()), a.data(), int(a.rows()), b.data(), int(b.rows()),
       c.data(), int(c.rows()));
}

void matmul_nt(Matrix& c, const Matrix& a, const Matrix& b) {
  c.resize(a.rows(), b.rows());
  gemm(false, true, int(c.rows()), int(c.cols()), int(a.cols()), a.data(), int(a.rows()), b.data(), int(b.rows()),
       c.data(), int(c.rows()));
}

void matmul_tn(Matrix& c, const Matrix& a, const Matrix& b) {
  c.resize(a.cols(), b.cols());
  gemm(true, false, int(c.rows()), int(c.cols()), int(a.rows()), a.data(), int(a.rows()), b.data(), int(b.rows()),
       c.data(), int(c.rows()));
}

float exp_shifted(const float* x, float shift, float* out, int n) {
  if (kOwnKernels) return simd::exp_shifted(x, shift, out, n);
  Eigen::Map<Vector> terms(out, n);
  terms = (Eigen::Map<const Vector>(x, n).array() - shift).exp();
  return terms.sum();
}

float sum_exp_shifted(const float* x, float shift, int n) {
  if (kOwnKernels) return simd::sum_exp_shifted(x, shift, n);
  return (Eigen::Map<const Vector>(x, n).array() - shift).exp().sum();
}

float max_of(const float* x, int n) {
  if (kOwnKernels) return simd::max_of(x, n);
  return Eigen::Map<const Vector>(x, n).maxCoeff();
}

}  // namespace kernels
}  // namespace embplay
