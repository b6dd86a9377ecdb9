// How frost's outputs are held against the ONNX reference outputs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace frost::conformance {

// An output matches when every element satisfies
//   |actual - expected| <= kAbsoluteTolerance + kRelativeTolerance * max_i |expected_i|
// i.e. 1e-4 of the output's largest magnitude (the fp32 criterion), plus a small
// absolute floor so that all-zero or tiny outputs do not demand bit-exact results.
// Non-finite expected values must be matched exactly (NaN by NaN, +-inf by the same inf).
inline constexpr double kRelativeTolerance = 1e-4;
inline constexpr double kAbsoluteTolerance = 1e-6;

struct Comparison {
  bool ok = true;
  size_t worst_index = 0;  // the element with the largest error (or the first non-finite miss)
  float expected = 0, actual = 0;
  double max_error = 0;          // largest |actual - expected| over finite expected values
  double tolerance = 0;          // kAbsoluteTolerance + kRelativeTolerance * max magnitude
  size_t mismatches = 0;         // elements outside the tolerance
  std::string Describe() const;  // "max |err| 3e-2 at [17] (expected 1.5, got 1.47), tol 1e-4, ..."
};

Comparison Compare(const float* actual, const std::vector<float>& expected);

}  // namespace frost::conformance
