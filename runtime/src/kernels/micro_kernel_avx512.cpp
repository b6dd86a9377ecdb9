// AVX-512 micro-kernel: up to 8 rows x 32 columns, 16 zmm accumulators; per k, one panel row
// (two vectors, widened from halves for FLOAT16 panels) and one broadcast per row.
// Compiled with -mavx512f -mfma -mf16c; only called when the CPU has AVX-512F.
// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_ps(), which
// -Wmaybe-uninitialized reports inside every caller: a false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {
namespace {

inline void LoadRow(const float* b, __m512* w0, __m512* w1) {
  *w0 = _mm512_load_ps(b);
  *w1 = _mm512_load_ps(b + 16);
}
inline void LoadRow(const uint16_t* b, __m512* w0, __m512* w1) {
  *w0 = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(b)));
  *w1 = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(b + 16)));
}

template <int M, class B>
inline void Tile(int n, int64_t kc, const float* const* a, const B* b, float* c,
                 int64_t ldc, const float* bias, float lo, float hi, bool last) {
  const __mmask16 mask0 = ColumnMask(n, 0), mask1 = ColumnMask(n, 1);
  __m512 acc0[M], acc1[M];
  if (bias != nullptr) {
    const __m512 b0 = _mm512_load_ps(bias), b1 = _mm512_load_ps(bias + 16);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) acc0[i] = b0, acc1[i] = b1;
  } else {
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      acc0[i] = _mm512_maskz_loadu_ps(mask0, c + i * ldc);
      acc1[i] = _mm512_maskz_loadu_ps(mask1, c + i * ldc + 16);
    }
  }
  const float* ap[M];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) ap[i] = a[i];
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    __m512 w0, w1;
    LoadRow(b + k * 32, &w0, &w1);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      const __m512 x = _mm512_set1_ps(ap[i][k]);
      acc0[i] = _mm512_fmadd_ps(x, w0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(x, w1, acc1[i]);
    }
  }
  if (last) {
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      acc0[i] = _mm512_min_ps(_mm512_max_ps(acc0[i], vlo), vhi);
      acc1[i] = _mm512_min_ps(_mm512_max_ps(acc1[i], vlo), vhi);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    _mm512_mask_storeu_ps(c + i * ldc, mask0, acc0[i]);
    _mm512_mask_storeu_ps(c + i * ldc + 16, mask1, acc1[i]);
  }
}

template <class B>
void Dispatch(int m, int n, int64_t kc, const float* const* a, const void* bv, float* c,
              int64_t ldc, const float* bias, float lo, float hi, bool last) {
  const B* b = static_cast<const B*>(bv);
  WithRows(m, [&](auto rows) { Tile<decltype(rows)::value>(n, kc, a, b, c, ldc, bias, lo, hi, last); });
}
static_assert(kAvx512Rows == 8);

}  // namespace

void MicroKernelAvx512F32(int m, int n, int64_t kc, const float* const* a, const void* b,
                          float* c, int64_t ldc, const float* bias, float lo, float hi,
                          bool last) {
  Dispatch<float>(m, n, kc, a, b, c, ldc, bias, lo, hi, last);
}

void MicroKernelAvx512F16(int m, int n, int64_t kc, const float* const* a, const void* b,
                          float* c, int64_t ldc, const float* bias, float lo, float hi,
                          bool last) {
  Dispatch<uint16_t>(m, n, kc, a, b, c, ldc, bias, lo, hi, last);
}

}  // namespace frost::kernels
