// Conv2D (one group) and FullyConnected on frost's GEMM: output pixels are the rows of A (read
// in place for a 1x1 stride-1 unpadded conv, else gathered by im2col per block of rows), the
// packed OHWI weights are W (K = kh * kw * channels, in OHWI's order).
#pragma once

#include <pthreadpool.h>

#include <cstdint>

#include "kernels/gemm.hpp"

namespace frost::kernels {

struct ConvParams {
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t channels = 0;  // input channels (= K / (kh * kw))
};

// x [batch, h, w, channels] NHWC -> y [batch, oh, ow, weights.n()], plus `residual` (nullptr,
// or [batch, oh, ow, weights.n()], never overlapping y), clamped to [lo, hi].
void ConvF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const float* x,
             int64_t batch, int64_t h, int64_t w, int64_t oh, int64_t ow, float* y,
             const float* residual, float lo, float hi, pthreadpool_t pool);

// x [m, weights.k()] -> y [m, weights.n()], clamped to [lo, hi].
void FullyConnectedF32(Isa isa, const PackedWeights& weights, const float* x, int64_t m, float* y,
                       float lo, float hi, pthreadpool_t pool);

}  // namespace frost::kernels
