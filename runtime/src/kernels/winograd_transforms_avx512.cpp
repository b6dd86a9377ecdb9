// winograd_transforms.inc compiled for AVX-512 (-mavx512f -mfma -mf16c).
#include <immintrin.h>

#include <cstring>

#include "kernels/winograd_transforms.hpp"

namespace frost::kernels::winograd_avx512 {
#include "kernels/winograd_transforms.inc"
}  // namespace frost::kernels::winograd_avx512

namespace frost::kernels {
WinogradTransforms WinogradTransformsAvx512() {
  return {winograd_avx512::Input, winograd_avx512::Weights, winograd_avx512::Output};
}
}  // namespace frost::kernels
