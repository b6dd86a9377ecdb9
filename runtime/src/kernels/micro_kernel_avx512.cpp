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
inline void Tile(const MicroTile& t) {
  const int n = t.n;
  const B* b = static_cast<const B*>(t.b);
  const int64_t b_stride = t.b_stride;
  float* c = t.c;
  const int64_t ldc = t.ldc;
  const float* bias = t.bias;
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
  for (int64_t s0 = 0; s0 < t.kc; s0 += t.segment) {
    const float* ap[M];
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) ap[i] = t.a[s0 / t.segment * t.a_stride + i];
    const B* bs = b + s0 * b_stride;
    const int64_t next_lines = t.next_lines - s0;
    const char* next = t.next != nullptr ? t.next + s0 * 64 : nullptr;
#pragma GCC unroll 2
    for (int64_t k = 0; k < t.segment; ++k) {
      __m512 w0, w1;
      // The next block's weights go into L2 meanwhile (see MicroTile::next). Measured on one
      // core, weights cold (caches flushed) / warm, GFLOP/s: 3x3 7x7x512 97/142 without it,
      // 136/162 with it; 14x14x256 135/160 -> 152/166. (A prefetch of this block's own rows
      // ahead, on top, made no difference or cost a few %.)
      if (k < next_lines) _mm_prefetch(next + k * 64, _MM_HINT_T1);
      LoadRow(bs + k * b_stride, &w0, &w1);
#pragma GCC unroll 8
      for (int i = 0; i < M; ++i) {
        const __m512 x = _mm512_set1_ps(ap[i][k]);
        acc0[i] = _mm512_fmadd_ps(x, w0, acc0[i]);
        acc1[i] = _mm512_fmadd_ps(x, w1, acc1[i]);
      }
    }
  }
  if (t.last && t.residual != nullptr) {
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      acc0[i] = _mm512_add_ps(acc0[i], _mm512_maskz_loadu_ps(mask0, t.residual + i * ldc));
      acc1[i] = _mm512_add_ps(acc1[i], _mm512_maskz_loadu_ps(mask1, t.residual + i * ldc + 16));
    }
  }
  if (t.last) {
    const __m512 vlo = _mm512_set1_ps(t.lo), vhi = _mm512_set1_ps(t.hi);
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
void Dispatch(const MicroTile& t) {
  WithRows(t.m, [&](auto rows) { Tile<decltype(rows)::value, B>(t); });
}
static_assert(kAvx512Rows == 8);

}  // namespace

void MicroKernelAvx512F32(const MicroTile& tile) {
  Dispatch<float>(tile);
}

void MicroKernelAvx512F16(const MicroTile& tile) {
  Dispatch<uint16_t>(tile);
}

}  // namespace frost::kernels
