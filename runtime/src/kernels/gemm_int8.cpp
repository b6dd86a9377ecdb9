#include "kernels/gemm_int8.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/micro_kernels.hpp"

namespace frost::kernels {

bool CpuSupportsAvx512Vnni() {
#if defined(FROST_X86_KERNELS)
  // (libgcc also checks that the OS saves the AVX-512 state before it reports these.)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

int MicroRowsInt8() {
#if defined(FROST_X86_KERNELS)
  return kAvx512VnniRows;
#else
  return 1;
#endif
}

namespace {

struct PackJob {
  const int8_t* w;
  int64_t n, k, k4;
  const int32_t* bias;
  const float* requantize;
  int32_t shift;  // z + 128
  int8_t* data;
  int32_t* packed_bias;
  float* packed_requantize;
  const PackedInt8Weights::Consumed* consumed;
};

void PackPanel(void* context, size_t panel) {
  const PackJob& j = *static_cast<const PackJob*>(context);
  const int64_t row0 = int64_t(panel) * kPanelWidth;
  const int64_t rows = std::min(kPanelWidth, j.n - row0);
  int8_t* dst = j.data + row0 * j.k4;
  std::memset(dst, 0, size_t(j.k4 * kPanelWidth));
  for (int64_t r = 0; r < kPanelWidth; ++r) {
    const int64_t o = row0 + r;
    if (r >= rows) {
      j.packed_bias[o] = 0;
      j.packed_requantize[o] = 0.0f;
      continue;
    }
    const int8_t* src = j.w + o * j.k;
    int32_t sum = 0;
    // Quad q of this row goes to dst[q][r][0..3].
    for (int64_t k = 0; k < j.k; ++k) {
      dst[(k / 4 * kPanelWidth + r) * 4 + k % 4] = src[k];
      sum += src[k];
    }
    // Modulo 2^32 like the sums themselves: exact wherever the reference's sum is.
    j.packed_bias[o] = int32_t(uint32_t(j.bias[o]) - uint32_t(j.shift) * uint32_t(sum));
    j.packed_requantize[o] = j.requantize[o];
  }
  if (*j.consumed) (*j.consumed)(row0, rows);
}

}  // namespace

std::unique_ptr<PackedInt8Weights> PackedInt8Weights::Pack(
    const int8_t* w, int64_t n, int64_t k, const int32_t* bias, const float* requantize,
    int32_t input_zero_point, const Consumed& consumed, pthreadpool_t pool) {
  auto packed = std::unique_ptr<PackedInt8Weights>(new PackedInt8Weights());
  packed->n_ = n;
  packed->k_ = k;
  const int64_t padded = packed->panels() * kPanelWidth;
  packed->data_.reset(AlignedArray<int8_t>(size_t(padded * packed->k4())));
  packed->bias_.reset(AlignedArray<int32_t>(size_t(padded)));
  packed->requantize_.reset(AlignedArray<float>(size_t(padded)));
  if (!packed->data_ || !packed->bias_ || !packed->requantize_) return nullptr;
  PackJob job{w,
              n,
              k,
              packed->k4(),
              bias,
              requantize,
              input_zero_point + 128,
              packed->data_.get(),
              packed->bias_.get(),
              packed->requantize_.get(),
              &consumed};
  pthreadpool_parallelize_1d(pool, PackPanel, &job, size_t(packed->panels()), 0);
  return packed;
}

void GemmInt8Block(int64_t m, const uint8_t* const* rows, int64_t taps, int64_t kc,
                   const PackedInt8Weights& w, int64_t k0, bool first, bool last, int64_t p0,
                   int64_t p1, const GemmInt8Out& out) {
#if defined(FROST_X86_KERNELS)
  for (int64_t p = p0; p < p1; ++p) {
    const int n = int(std::min(kPanelWidth, w.n() - p * kPanelWidth));
    const int8_t* b = w.panel(p) + k0 * kPanelWidth;
    const int32_t* bias = first ? w.bias(p) : nullptr;
    const Int8Epilogue epilogue{w.requantize(p), out.lo, out.hi, out.scale};
    float* c = out.c + p * kPanelWidth;
    ForEachTile(m, kAvx512VnniRows, [&](int64_t i, int64_t count) {
      MicroKernelAvx512Vnni(int(count), n, taps, kc / 4, rows + i, m, b, c + i * out.ldc,
                            out.ldc, bias, last ? &epilogue : nullptr);
    });
  }
#endif
}

void GemmInt8Rows(int64_t m, const uint8_t* a, int64_t lda, const PackedInt8Weights& w,
                  int64_t p0, int64_t p1, const GemmInt8Out& out) {
  const int64_t k = w.k4();
  ForEachBlockOfK(m, a, lda, k, kBlockK8, [&](const uint8_t* const* rows, int64_t k0, int64_t kc) {
    GemmInt8Block(m, rows, 1, kc, w, k0, k0 == 0, k0 + kc >= k, p0, p1, out);
  });
}

void QuantizeToUnsigned(const float* x, int64_t count, float inv_scale, float lo, float hi,
                        int32_t shift, uint8_t* u) {
#if defined(FROST_X86_KERNELS)
  QuantizeToUnsignedAvx512(x, count, inv_scale, lo, hi, shift, u);
#endif
}

}  // namespace frost::kernels
