// The micro-kernels behind GemmBlock (one file per instruction set, each compiled for it).
// One call computes a tile of m <= MicroRows rows and n <= 32 columns over kc values of k:
//   bias != nullptr: C = bias + A B   (the first k block)
//   bias == nullptr: C += A B         (the following ones)
//   last: C is clamped to [lo, hi] before it is stored.
#pragma once

#include <cstdint>

namespace frost::kernels {

struct MicroTile {
  int m = 0, n = 0;
  // k values, in segments of `segment` (kc is a multiple of it): a convolution's block may span
  // several taps, each read from its own place in the input, while the accumulators stay in
  // registers.
  int64_t kc = 0, segment = 0;
  // a[s * a_stride + i]: row i's first value of segment s (segment consecutive floats).
  const float* const* a = nullptr;
  int64_t a_stride = 0;
  const void* b = nullptr;  // the panel's row k0: kc rows of 32 weights (float or half)
  float* c = nullptr;       // row i at c + i * ldc
  int64_t ldc = 0;
  const float* bias = nullptr;
  float lo = 0, hi = 0;
  bool last = false;
  // next_lines (<= kc) cache lines of the weights the caller needs after this tile, from
  // `next`: fetched into L2 meanwhile, one line per k.
  const char* next = nullptr;
  int64_t next_lines = 0;
};

using MicroKernel = void (*)(const MicroTile& tile);

constexpr int kAvx512Rows = 8;
constexpr int kAvx2Rows = 4;

void MicroKernelAvx512F32(const MicroTile& tile);
void MicroKernelAvx512F16(const MicroTile& tile);
void MicroKernelAvx2F32(const MicroTile& tile);
void MicroKernelAvx2F16(const MicroTile& tile);

}  // namespace frost::kernels
