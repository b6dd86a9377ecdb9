// The micro-kernels behind GemmRows (one file per instruction set, each compiled for it).
// One call computes a tile of m <= MicroRows rows and n <= 32 columns over kc values of k:
//   bias != nullptr: C = bias + A B   (the first k block)
//   bias == nullptr: C += A B         (the following ones)
//   last: C is clamped to [lo, hi] before it is stored.
// a[i] points at row i's first value of the block (kc consecutive floats); b at the panel's
// row k0 (32 weights per row, float or half).
#pragma once

#include <cstdint>

namespace frost::kernels {

using MicroKernel = void (*)(int m, int n, int64_t kc, const float* const* a, const void* b,
                             float* c, int64_t ldc, const float* bias, float lo, float hi,
                             bool last);

constexpr int kAvx512Rows = 8;
constexpr int kAvx2Rows = 4;

void MicroKernelAvx512F32(int m, int n, int64_t kc, const float* const* a, const void* b,
                          float* c, int64_t ldc, const float* bias, float lo, float hi, bool last);
void MicroKernelAvx512F16(int m, int n, int64_t kc, const float* const* a, const void* b,
                          float* c, int64_t ldc, const float* bias, float lo, float hi, bool last);
void MicroKernelAvx2F32(int m, int n, int64_t kc, const float* const* a, const void* b,
                        float* c, int64_t ldc, const float* bias, float lo, float hi, bool last);
void MicroKernelAvx2F16(int m, int n, int64_t kc, const float* const* a, const void* b,
                        float* c, int64_t ldc, const float* bias, float lo, float hi, bool last);

}  // namespace frost::kernels
