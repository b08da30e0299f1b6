// The hot loops of a training step, with our own WebAssembly SIMD versions:
//   - the matrix products (the output layer's three are ~96% of a step's flops),
//   - exp over the logits in the softmax, and the max of each logit column.
//
// Two layers:
//   kernels::matmul*, exp_shifted, sum_exp_shifted, max_of: what the model and the loss call.
//       Natively they are Eigen, whose AVX/AVX-512 + FMA products and exp are excellent. In a WebAssembly SIMD build
//       (__wasm_simd128__) they call the simd:: kernels, because Eigen 3.4 has no WebAssembly packet
//       math: auto-vectorising its scalar path gives ~15 GFLOP/s in V8, these kernels ~35.
//   kernels::simd::*   our kernels. They compile everywhere: on f32x4 registers under
//       __wasm_simd128__, on a portable four-lane struct elsewhere, so the native unit tests check
//       the same blocking, packing, edge handling and polynomial that the WebAssembly build runs.
//
// Products of at least 2M multiply-adds are computed in parts of the output (2 to 8), shared by two
// threads when parallel::set_threads(2) asked for them; where the output is cut depends on the
// shapes only, so the results are the same bits with one thread or two (see parallel.h).
//
// Matrices are column-major (Eigen's default); `ld` is the distance between columns.
#pragma once

#include "common.h"

namespace embplay {
namespace kernels {

// True when the functions below run the simd:: kernels (WebAssembly SIMD builds), false for Eigen.
#ifdef __wasm_simd128__
constexpr bool kOwnKernels = true;
#else
constexpr bool kOwnKernels = false;
#endif

// c = a * b, c = a * b^T, c = a^T * b. c is resized; it must not share storage with a or b.
void matmul(Matrix& c, const Matrix& a, const Matrix& b);
void matmul_nt(Matrix& c, const Matrix& a, const Matrix& b);
void matmul_tn(Matrix& c, const Matrix& a, const Matrix& b);

// The same product on blocks of larger column-major storage: C (m, n) = op(A) (m, k) * op(B) (k, n),
// each block given by its first element and the distance between its columns (as simd::gemm
// below). For the Transformer, whose attention multiplies one head's rows of one sequence's
// columns, and whose buffers keep their storage while batches change length. C must not overlap
// A or B; k = 0 gives C = 0.
void gemm(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float* c, int ldc);

// out[i] = exp(x[i] - shift) for i < n (out may be x); returns the float sum of out[0..n).
float exp_shifted(const float* x, float shift, float* out, int n);
// The sum of exp(x[i] - shift) for i < n, without writing the terms.
float sum_exp_shifted(const float* x, float shift, int n);
// The largest of x[0..n), n >= 1. With NaN in x the result may or may not be NaN (as Eigen's
// maxCoeff); exp_shifted then still carries the NaN into its sum.
float max_of(const float* x, int n);

namespace simd {

// C (m, n) = op(A) (m, k) * op(B) (k, n), where op(X) is X, or X^T when trans_x is set; A is stored
// (m, k) or (k, m), B (k, n) or (n, k). k = 0 gives C = 0. Nothing allocates: the packed panel of A
// lives on the stack (8 KB).
void gemm(bool trans_a, bool trans_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float* c, int ldc);

// Vectorised expf: range reduction to r = x - n ln2 (|r| <= ln2 / 2), Cephes' degree-5 polynomial
// for e^r, scaled by 2^n. Within 2 ulp of exp for x in [-87.33, 88.72]; below that (where the result
// would be a subnormal float, slow on x86 and meaningless in a softmax) it returns 0, so -inf gives
// 0; above, +inf; NaN stays NaN.
void exp(const float* x, float* out, int n);

// As the kernels:: functions of the same names.
float exp_shifted(const float* x, float shift, float* out, int n);
float sum_exp_shifted(const float* x, float shift, int n);
float max_of(const float* x, int n);

}  // namespace simd
}  // namespace kernels
}  // namespace embplay
