// The micro-kernels behind GemmBlock (one file per instruction set, each compiled for it).
// One call computes a tile of m <= MicroRows rows and n <= 32 columns over kc values of k:
//   bias != nullptr: C = bias + A B   (the first k block)
//   bias == nullptr: C += A B         (the following ones)
//   last: `residual` (if not nullptr) is added, then C is clamped to [lo, hi] and stored.
#pragma once

#include <cstdint>
#include <type_traits>

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
  int64_t b_stride = 32;    // weights from one row of b to the next (32: a packed panel)
  float* c = nullptr;       // row i at c + i * ldc
  int64_t ldc = 0;
  const float* bias = nullptr;
  float lo = 0, hi = 0;
  bool last = false;
  const float* residual = nullptr;  // with `last`: row i at residual + i * ldc, n columns
  // next_lines (<= kc) cache lines of the weights the caller needs after this tile, from
  // `next`: fetched into L2 meanwhile, one line per k.
  const char* next = nullptr;
  int64_t next_lines = 0;
};

using MicroKernel = void (*)(const MicroTile& tile);

// The AVX-512 kernels' store mask for vector `v` (columns 16 v to 16 v + 15) of a tile of
// n columns.
constexpr uint16_t ColumnMask(int n, int v) {
  const int lanes = n - 16 * v;
  return lanes >= 16 ? uint16_t(0xFFFF) : lanes > 0 ? uint16_t((1u << lanes) - 1) : uint16_t(0);
}

// Calls f(std::integral_constant<int, M>()) for M = m, 1 <= m <= 8 (8 for anything more):
// the AVX-512 kernels' tiles are templates on their row count.
template <class F>
inline void WithRows(int m, F&& f) {
  switch (m) {
    case 1: return f(std::integral_constant<int, 1>());
    case 2: return f(std::integral_constant<int, 2>());
    case 3: return f(std::integral_constant<int, 3>());
    case 4: return f(std::integral_constant<int, 4>());
    case 5: return f(std::integral_constant<int, 5>());
    case 6: return f(std::integral_constant<int, 6>());
    case 7: return f(std::integral_constant<int, 7>());
    default: return f(std::integral_constant<int, 8>());
  }
}

constexpr int kAvx512Rows = 8;
constexpr int kAvx2Rows = 4;

void MicroKernelAvx512F32(const MicroTile& tile);
void MicroKernelAvx512F16(const MicroTile& tile);
void MicroKernelAvx2F32(const MicroTile& tile);
void MicroKernelAvx2F16(const MicroTile& tile);

// The int8 micro-kernel behind GemmInt8Block (gemm_int8.hpp), AVX-512 VNNI: a tile of
// m <= kAvx512VnniRows rows and n <= 32 columns over `taps` runs of kq quads (4 k values):
// a[t * a_stride + i] points at row i's first value of run t; b at the panel's first quad.
// The int32 sums start from `bias` (when not nullptr) or from c (int32, left by the previous
// block); with `last` the float output is written, else the sums are stored back into c.
struct Int8Epilogue {
  const float* requantize;  // the panel's 32 factors m[o]
  float lo, hi, scale;
};
constexpr int kAvx512VnniRows = 8;
void MicroKernelAvx512Vnni(int m, int n, int64_t taps, int64_t kq, const uint8_t* const* a,
                           int64_t a_stride, const int8_t* b, float* c, int64_t ldc,
                           const int32_t* bias, const Int8Epilogue* last);
// gemm_int8.hpp's QuantizeToUnsigned, vectorised.
void QuantizeToUnsignedAvx512(const float* x, int64_t count, float inv_scale, float lo, float hi,
                              int32_t shift, uint8_t* u);

}  // namespace frost::kernels
