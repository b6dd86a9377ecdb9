// winograd_transforms.inc compiled for AVX2 (-mavx2 -mfma -mf16c). Its 16-float vectors are
// two ymm each; GCC warns that such values would pass differently with AVX-512 enabled, which
// concerns no caller: they never leave this file.
#pragma GCC diagnostic ignored "-Wpsabi"
#include <immintrin.h>

#include <cstring>

#include "kernels/winograd_transforms.hpp"

namespace frost::kernels::winograd_avx2 {
#include "kernels/winograd_transforms.inc"
}  // namespace frost::kernels::winograd_avx2

namespace frost::kernels {
WinogradTransforms WinogradTransformsAvx2() {
  return {winograd_avx2::Input, winograd_avx2::Weights, winograd_avx2::Output};
}
}  // namespace frost::kernels
