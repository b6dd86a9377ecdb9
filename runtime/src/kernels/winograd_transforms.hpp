// The three transforms of Winograd F(4x4, 3x3) (winograd.hpp), 16 channels per vector. One
// source, winograd_transforms.inc, compiled once per instruction set
// (winograd_transforms_avx512.cpp, winograd_transforms_avx2.cpp).
#pragma once

#include <cstdint>

namespace frost::kernels {

constexpr int kWinogradTile = 4;     // output pixels per tile side
constexpr int kWinogradWindow = 6;   // input pixels per tile side
constexpr int kWinogradPoints = 36;  // products per tile and channel pair

struct WinogradTransforms {
  // d[36]: the tile's 6x6 input window, row-major, each pointing at channel 0 of its pixel
  // (nullptr: outside the image, zeros). Writes channel c of point xi to v[xi * plane + c],
  // for c < channels (a multiple of 16).
  void (*input)(const float* const* d, int64_t channels, float* v, int64_t plane);
  // One panel's 3x3 weights (PANELS32, float or IEEE half: `half`), input channels
  // [c0, c0 + kc) of `channels`: writes u[(c - c0) * stride + xi * 32 + o]. (Channel-major:
  // the 36 rows of one channel are written one after the other, where point-major order made
  // 36 scattered streams of stores that cost more than the GEMMs at 16 tiles.)
  void (*weights)(const void* panel, bool half, int64_t channels, int64_t c0, int64_t kc,
                  float* u, int64_t stride);
  // One tile's products m[xi * plane + o], o < n (16 or 32) -> its output pixel (i, j) at
  // y + i * row + j * pixel, for i < rows, j < cols: A^T M A + bias[o] + residual (laid out as
  // y; nullptr: none), clamped to [lo, hi].
  void (*output)(const float* m, int64_t plane, int n, const float* bias, const float* residual,
                 float* y, int64_t row, int64_t pixel, int rows, int cols, float lo, float hi);
};

WinogradTransforms WinogradTransformsAvx512();
WinogradTransforms WinogradTransformsAvx2();

}  // namespace frost::kernels
