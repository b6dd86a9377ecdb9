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
inline void Tile(const MicroTile& t) {
  const int n = t.n;
  const B* b = static_cast<const B*>(t.b);
  const int64_t b_stride = t.b_stride;
  float* c = t.c;
  const int64_t ldc = t.ldc;
  const float* bias = t.bias;
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
  for (int64_t s0 = 0; s0 < t.kc; s0 += t.segment) {
    const float* ap[M];
#pragma GCC unroll 4
    for (int i = 0; i < M; ++i) ap[i] = t.a[s0 / t.segment * t.a_stride + i];
    const B* bs = b + s0 * b_stride;
    const int64_t next_lines = t.next_lines - s0;
    const char* next = t.next != nullptr ? t.next + s0 * 64 : nullptr;
#pragma GCC unroll 2
    for (int64_t k = 0; k < t.segment; ++k) {
      if (k < next_lines) _mm_prefetch(next + k * 64, _MM_HINT_T1);
      const __m256 w0 = Load8(bs + k * b_stride), w1 = Load8(bs + k * b_stride + 8);
      const __m256 w2 = Load8(bs + k * b_stride + 16), w3 = Load8(bs + k * b_stride + 24);
#pragma GCC unroll 4
      for (int i = 0; i < M; ++i) {
        const __m256 x = _mm256_broadcast_ss(ap[i] + k);
        acc[i][0] = _mm256_fmadd_ps(x, w0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps(x, w1, acc[i][1]);
        acc[i][2] = _mm256_fmadd_ps(x, w2, acc[i][2]);
        acc[i][3] = _mm256_fmadd_ps(x, w3, acc[i][3]);
      }
    }
  }
  if (t.last && t.residual != nullptr) {
    // Masked loads: a partial tile's residual rows end at column n.
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mask[4];
    for (int j = 0; j < 4; ++j) mask[j] = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8 * j), lane);
#pragma GCC unroll 4
    for (int i = 0; i < M; ++i) {
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        const __m256 r = _mm256_maskload_ps(t.residual + i * ldc + 8 * j, mask[j]);
        acc[i][j] = _mm256_add_ps(acc[i][j], r);
      }
    }
  }
  if (t.last) {
    const __m256 vlo = _mm256_set1_ps(t.lo), vhi = _mm256_set1_ps(t.hi);
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
void Dispatch(const MicroTile& t) {
  switch (t.m) {
    case 1: return Tile<1, B>(t);
    case 2: return Tile<2, B>(t);
    case 3: return Tile<3, B>(t);
    default: return Tile<4, B>(t);
  }
}
static_assert(kAvx2Rows == 4);

}  // namespace

void MicroKernelAvx2F32(const MicroTile& tile) {
  Dispatch<float>(tile);
}

void MicroKernelAvx2F16(const MicroTile& tile) {
  Dispatch<uint16_t>(tile);
}

}  // namespace frost::kernels
