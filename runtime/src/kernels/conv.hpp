// Conv2D (one group) and FullyConnected on frost's GEMM: output pixels are the rows of A (read
// in place for a 1x1 stride-1 unpadded conv, else gathered by im2col per block of rows), the
// packed OHWI weights are W (K = kh * kw * channels, in OHWI's order).
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>
#include <limits>

#include "kernels/gemm.hpp"

namespace frost::kernels {

struct ConvParams {
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t channels = 0;  // input channels (= K / (kh * kw))
};

// Scratch bytes ConvF32 wants for these shapes on `pool` (0: none; with less than this it
// runs, only slower: a 3x3 stride-1 conv runs as Winograd F(4x4, 3x3) in it, winograd.hpp).
size_t ConvScratchBytes(Isa isa, const ConvParams& p, int64_t out_channels, int64_t batch,
                        int64_t oh, int64_t ow, pthreadpool_t pool);

// One convolution's tensors: x [batch, h, w, channels] NHWC -> y [batch, oh, ow, n], plus
// `residual` (nullptr, or laid out as y and never overlapping it), clamped to [lo, hi].
struct ConvIo {
  const float* x = nullptr;
  int64_t batch = 1, h = 1, w = 1, oh = 1, ow = 1;
  float* y = nullptr;
  const float* residual = nullptr;
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
};

// scratch: nullptr, or ConvScratchBytes of 64-byte aligned memory.
void ConvF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const ConvIo& io,
             void* scratch, pthreadpool_t pool);

// x [m, weights.k()] -> y [m, weights.n()], clamped to [lo, hi].
void FullyConnectedF32(Isa isa, const PackedWeights& weights, const float* x, int64_t m, float* y,
                       float lo, float hi, pthreadpool_t pool);

}  // namespace frost::kernels
