// AVX-512 VNNI int8 micro-kernel: up to 8 rows x 32 channels, 16 zmm accumulators of int32;
// per quad of k, one panel row (32 channels x 4 int8 = two vectors), one 4-byte broadcast per
// row and two vpdpbusd per row. Also the input's quantization to unsigned bytes.
// Compiled with -mavx512f -mavx512bw -mavx512vnni; only called when the CPU has them.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // see micro_kernel_avx512.cpp
#include <immintrin.h>

#include <cstring>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {
namespace {

inline __m512i Broadcast4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

template <int M>
inline void Tile(int n, int64_t taps, int64_t kq, const uint8_t* const* a, int64_t a_stride,
                 const int8_t* b, float* c, int64_t ldc, const int32_t* bias,
                 const Int8Epilogue* last) {
  const __mmask16 mask0 = ColumnMask(n, 0), mask1 = ColumnMask(n, 1);
  // The sums start from the bias (first block of k) or from those the last block left in c.
  __m512i acc0[M], acc1[M];
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    acc0[i] = bias ? _mm512_load_si512(bias) : _mm512_maskz_loadu_epi32(mask0, c + i * ldc);
    acc1[i] = bias ? _mm512_load_si512(bias + 16)
                   : _mm512_maskz_loadu_epi32(mask1, c + i * ldc + 16);
  }
  for (int64_t t = 0; t < taps; ++t) {
    const uint8_t* ap[M];
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) ap[i] = a[t * a_stride + i];
#pragma GCC unroll 2
    for (int64_t q = 0; q < kq; ++q) {
      const __m512i w0 = _mm512_load_si512(b), w1 = _mm512_load_si512(b + 64);
      b += 128;
#pragma GCC unroll 8
      for (int i = 0; i < M; ++i) {
        const __m512i x = Broadcast4(ap[i] + 4 * q);
        acc0[i] = _mm512_dpbusd_epi32(acc0[i], x, w0);
        acc1[i] = _mm512_dpbusd_epi32(acc1[i], x, w1);
      }
    }
  }
  if (last == nullptr) {
#pragma GCC unroll 8
    for (int i = 0; i < M; ++i) {
      _mm512_mask_storeu_epi32(c + i * ldc, mask0, acc0[i]);
      _mm512_mask_storeu_epi32(c + i * ldc + 16, mask1, acc1[i]);
    }
    return;
  }
  // Int8Params::Output: float(sum) * m, clamped, rounded to nearest even, times s_out.
  const __m512 m0 = _mm512_load_ps(last->requantize), m1 = _mm512_load_ps(last->requantize + 16);
  const __m512 lo = _mm512_set1_ps(last->lo), hi = _mm512_set1_ps(last->hi);
  const __m512 scale = _mm512_set1_ps(last->scale);
  constexpr int kNearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  auto output = [&](__m512i acc, __m512 m) {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), m);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    return _mm512_mul_ps(_mm512_roundscale_ps(v, kNearest), scale);
  };
#pragma GCC unroll 8
  for (int i = 0; i < M; ++i) {
    _mm512_mask_storeu_ps(c + i * ldc, mask0, output(acc0[i], m0));
    _mm512_mask_storeu_ps(c + i * ldc + 16, mask1, output(acc1[i], m1));
  }
}

}  // namespace

void MicroKernelAvx512Vnni(int m, int n, int64_t taps, int64_t kq, const uint8_t* const* a,
                           int64_t a_stride, const int8_t* b, float* c, int64_t ldc,
                           const int32_t* bias, const Int8Epilogue* last) {
  WithRows(m, [&](auto rows) { Tile<decltype(rows)::value>(n, taps, kq, a, a_stride, b, c, ldc, bias, last); });
}
static_assert(kAvx512VnniRows == 8);

void QuantizeToUnsignedAvx512(const float* x, int64_t count, float inv_scale, float lo, float hi,
                              int32_t shift, uint8_t* u) {
  const __m512 inv = _mm512_set1_ps(inv_scale), vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  const __m512i vshift = _mm512_set1_epi32(shift);
  for (int64_t i = 0; i < count; i += 16) {
    const int64_t left = count - i;
    const __mmask16 mask = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
    __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + i), inv);
    // maxps returns its second operand when the first is NaN: NaN -> lo, as Quantize.
    v = _mm512_min_ps(_mm512_max_ps(v, vlo), vhi);
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), vshift);  // MXCSR: nearest even
    _mm512_mask_cvtepi32_storeu_epi8(u + i, mask, q);
  }
}

}  // namespace frost::kernels
