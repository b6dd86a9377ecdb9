// The fast kernels Conv2D and FullyConnected can run on this CPU, with the backend name each
// reports in Session::KernelNames: XNNPACK's always, frost's AVX2 and AVX-512 ones where the
// CPU has them. Tests run every choice against the reference kernels.
#pragma once

#include <utility>
#include <vector>

#include "frost/frost.hpp"

namespace frost::testing {

inline std::vector<std::pair<ConvKernels, const char*>> ConvKernelChoices() {
  std::vector<std::pair<ConvKernels, const char*>> choices = {{ConvKernels::kXnnpack, "xnnpack"}};
  if (KernelsAvailable(ConvKernels::kAvx2)) choices.push_back({ConvKernels::kAvx2, "avx2"});
  if (KernelsAvailable(ConvKernels::kAvx512)) choices.push_back({ConvKernels::kAvx512, "avx512"});
  return choices;
}

}  // namespace frost::testing
