// AVX2 + FMA micro-kernel: up to 4 rows x 32 columns, 16 ymm accumulators; per k, one panel row
// (four vectors, widened from halves with F16C for FLOAT16 panels) and one broadcast per row.
// Compiled with -mavx2 -mfma -mf16c; only called when the CPU has them.
#include <immintrin.h>

#include <cstring>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {
namespace {

inline __m256 Load8(const float* b) { return _mm256_load_ps(b); }
inline __m256 Load8(const uint16_t* b) {
  return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(b)));
}

template <int M, class B>
inline void Tile(int n, int64_t kc, const float* const* a, const B* b, float* c,
                 int64_t ldc, const float* bias, float lo, float hi, bool last) {
  __m256 acc[M][4];
  // A partial tile goes through a full-width buffer, so the loop below never needs masks.
  alignas(32) float edge[M][32];
  float* rows[M];
  if (n < 32) {
    for (int i = 0; i < M; ++i) {
      std::memset(edge[i], 0, sizeof(edge[i]));
      if (bias == nullptr) std::memcpy(edge[i], c + i * ldc, size_t(n) * sizeof(float));
      rows[i] = edge[i];
    }
  } else {
    for (int i = 0; i < M; ++i) rows[i] = c + i * ldc;
  }
#pragma GCC unroll 4
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      acc[i][j] = bias != nullptr ? _mm256_load_ps(bias + 8 * j) : _mm256_loadu_ps(rows[i] + 8 * j);
    }
  }
  const float* ap[M];
#pragma GCC unroll 4
  for (int i = 0; i < M; ++i) ap[i] = a[i];
#pragma GCC unroll 2
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 w0 = Load8(b + k * 32), w1 = Load8(b + k * 32 + 8);
    const __m256 w2 = Load8(b + k * 32 + 16), w3 = Load8(b + k * 32 + 24);
#pragma GCC unroll 4
    for (int i = 0; i < M; ++i) {
      const __m256 x = _mm256_broadcast_ss(ap[i] + k);
      acc[i][0] = _mm256_fmadd_ps(x, w0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(x, w1, acc[i][1]);
      acc[i][2] = _mm256_fmadd_ps(x, w2, acc[i][2]);
      acc[i][3] = _mm256_fmadd_ps(x, w3, acc[i][3]);
    }
  }
  if (last) {
    const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
#pragma GCC unroll 4
    for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) acc[i][j] = _mm256_min_ps(_mm256_max_ps(acc[i][j], vlo), vhi);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) _mm256_storeu_ps(rows[i] + 8 * j, acc[i][j]);
  }
  if (n < 32) {
    for (int i = 0; i < M; ++i) std::memcpy(c + i * ldc, edge[i], size_t(n) * sizeof(float));
  }
}

template <class B>
void Dispatch(int m, int n, int64_t kc, const float* const* a, const void* bv, float* c,
              int64_t ldc, const float* bias, float lo, float hi, bool last) {
  const B* b = static_cast<const B*>(bv);
  switch (m) {
    case 1: return Tile<1>(n, kc, a, b, c, ldc, bias, lo, hi, last);
    case 2: return Tile<2>(n, kc, a, b, c, ldc, bias, lo, hi, last);
    case 3: return Tile<3>(n, kc, a, b, c, ldc, bias, lo, hi, last);
    default: return Tile<4>(n, kc, a, b, c, ldc, bias, lo, hi, last);
  }
}
static_assert(kAvx2Rows == 4);

}  // namespace

void MicroKernelAvx2F32(int m, int n, int64_t kc, const float* const* a, const void* b,
                        float* c, int64_t ldc, const float* bias, float lo, float hi, bool last) {
  Dispatch<float>(m, n, kc, a, b, c, ldc, bias, lo, hi, last);
}

void MicroKernelAvx2F16(int m, int n, int64_t kc, const float* const* a, const void* b,
                        float* c, int64_t ldc, const float* bias, float lo, float hi, bool last) {
  Dispatch<uint16_t>(m, n, kc, a, b, c, ldc, bias, lo, hi, last);
}

}  // namespace frost::kernels
