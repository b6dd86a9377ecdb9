// frost's own int8 GEMM for quantized Conv2D and FullyConnected (ops/int8.hpp defines the
// arithmetic), on AVX-512 VNNI: vpdpbusd multiplies 64 u8 by s8 pairs and adds them in fours
// into 16 int32 lanes, four times the float FMA rate. The input is therefore quantized to
// u = q + 128 (unsigned), and the shift is paid back per channel:
//   sum_k (q - z) w = sum_k u w - (z + 128) sum_k w
// so the packed bias is bias_q[o] - (z + 128) sum_k w[o][k], and padding must read u = z + 128
// (real 0). The epilogue writes the float output exactly as Int8Params::Output does.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "kernels/gemm.hpp"

namespace frost::kernels {

// True if this CPU (and its OS) runs AVX-512 VNNI. Sessions use these kernels where they
// chose Isa::kAvx512 (so FROST_KERNELS=xnnpack or avx2 turns them off too).
bool CpuSupportsAvx512Vnni();

// k values per block of the int8 GEMM: 1024 x 32 weight bytes (32 KiB) stay in L1.
constexpr int64_t kBlockK8 = 1024;
// Rows of the VNNI micro-kernel's tile.
int MicroRowsInt8();

// W ([n][k] int8, row-major) in panels of 32 output channels: [panels][k4 / 4][32][4], k
// padded with zero weights to k4 (a multiple of 4), 64-byte aligned; per padded channel the
// shifted bias (int32, see above) and the requantization factor m[o].
class PackedInt8Weights {
 public:
  using Consumed = std::function<void(int64_t row0, int64_t rows)>;
  // `bias` and `requantize` have n values; `input_zero_point` is z of the input grid.
  // Panels are packed in parallel on `pool` (may be nullptr); `consumed` as PackedWeights.
  static std::unique_ptr<PackedInt8Weights> Pack(const int8_t* w, int64_t n, int64_t k,
                                                 const int32_t* bias, const float* requantize,
                                                 int32_t input_zero_point,
                                                 const Consumed& consumed, pthreadpool_t pool);

  int64_t n() const { return n_; }
  int64_t k() const { return k_; }
  int64_t k4() const { return (k_ + 3) / 4 * 4; }
  int64_t panels() const { return (n_ + kPanelWidth - 1) / kPanelWidth; }
  const int8_t* panel(int64_t p) const { return data_.get() + p * k4() * kPanelWidth; }
  const int32_t* bias(int64_t p) const { return bias_.get() + p * kPanelWidth; }
  const float* requantize(int64_t p) const { return requantize_.get() + p * kPanelWidth; }

 private:
  int64_t n_ = 0, k_ = 0;
  AlignedPtr<int8_t> data_;
  AlignedPtr<int32_t> bias_;
  AlignedPtr<float> requantize_;
};

// Where the output goes: row i at c + i * ldc. Until the last block of k, the int32 sums are
// kept in the output's own slots; the last one writes clamp(round(sum * m), lo, hi) * scale,
// lo and hi being out_min - z_out and out_max - z_out.
struct GemmInt8Out {
  float* c;
  int64_t ldc;
  float lo, hi, scale;
};

// One block of k for C rows [0, m) and panels [p0, p1): `taps` runs of kc values (kc a
// multiple of 4) that follow each other in W from k0 on; rows[t * m + i] points at row i's
// first value of run t. `first`: the sums start from the bias; `last`: the output is written.
void GemmInt8Block(int64_t m, const uint8_t* const* rows, int64_t taps, int64_t kc,
                   const PackedInt8Weights& w, int64_t k0, bool first, bool last, int64_t p0,
                   int64_t p1, const GemmInt8Out& out);

// Every block of k for A row-major (row i at a + i * lda, w.k4() values), rows [0, m),
// panels [p0, p1).
void GemmInt8Rows(int64_t m, const uint8_t* a, int64_t lda, const PackedInt8Weights& w,
                  int64_t p0, int64_t p1, const GemmInt8Out& out);

// u[i] = clamp(round(x[i] * inv_scale), lo, hi) + shift, ties to even, NaN -> lo: ops/int8.hpp's
// Quantize plus 128 with lo = -128 - z, hi = 127 - z, shift = z + 128.
void QuantizeToUnsigned(const float* x, int64_t count, float inv_scale, float lo, float hi,
                        int32_t shift, uint8_t* u);

}  // namespace frost::kernels
