// Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions on frost's GEMM: each 4x4 block of
// output pixels ("tile") comes from a 6x6 window of the input, and in the Winograd domain a
// tile costs 36 products per (input, output) channel pair where the direct conv costs 144.
// Per block of tiles:
//   V[xi][tile][c] = (B^T d B)[xi]           input transform, all tiles of a span first
//   U[xi][c][o]    = (G g G^T)[xi]           weights, transformed per task from the panels
//   M[xi][tile][o] = sum_c V[xi][tile][c] U[xi][c][o]    36 GEMMs on the micro-kernel
//   y[tile]        = A^T M A + bias (+ residual), clamped           output transform
// The transformed weights are never stored (they would take four times the weights' memory):
// each task transforms one panel's weights into L2 and runs them over up to 64 tiles. That
// transform is bound by its stores (36 rows per weight): measured, a third of the time of a
// 14x14 layer (16 tiles), little at 56x56.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <cstdint>

#include "kernels/conv.hpp"

namespace frost::kernels {

// Whether ConvF32 runs this conv as Winograd F(4x4, 3x3): 3x3, stride 1, no dilation, channels
// in and out multiples of 16, and enough tiles (batch * ceil(oh / 4) * ceil(ow / 4)) for the
// per-task weight transform to pay. Environment FROST_WINOGRAD=0 turns it off (for measuring).
bool WinogradApplies(Isa isa, const ConvParams& p, int64_t out_channels, int64_t batch, int64_t oh,
                     int64_t ow);

// Bytes of scratch ConvWinogradF32 needs for these shapes on `pool`: the transformed input of
// one span of tiles, and per thread a block of transformed weights and the products.
size_t WinogradScratchBytes(const ConvParams& p, int64_t batch, int64_t oh, int64_t ow,
                            pthreadpool_t pool);

// ConvF32's contract, for a conv WinogradApplies to; scratch: at least WinogradScratchBytes,
// 64-byte aligned.
void ConvWinogradF32(Isa isa, const ConvParams& p, const PackedWeights& weights, const ConvIo& io,
                     void* scratch, pthreadpool_t pool);

}  // namespace frost::kernels
