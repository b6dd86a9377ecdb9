// Quantized Conv2D (one group) and FullyConnected on frost's int8 GEMM (gemm_int8.hpp): the
// same frame as conv.hpp's float driver (rows of A read in place for a 1x1 stride-1 conv,
// per-tap row pointers for wider kernels, im2col where the channels are too few or not a
// multiple of 4), on an input already quantized to unsigned bytes.
#pragma once

#include <pthreadpool.h>

#include <cstdint>

#include "kernels/conv.hpp"
#include "kernels/gemm_int8.hpp"

namespace frost::kernels {

// x [batch, h, w, channels] NHWC unsigned (q + 128) -> y [batch, oh, ow, weights.n()] float;
// `pad` is the value padding reads (z_in + 128: real 0).
void ConvInt8(const ConvParams& p, const PackedInt8Weights& weights, const uint8_t* x,
              uint8_t pad, int64_t batch, int64_t h, int64_t w, int64_t oh, int64_t ow,
              const GemmInt8Out& out, pthreadpool_t pool);

}  // namespace frost::kernels
