#include "compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace frost::conformance {

namespace {

bool SameNonFinite(float expected, float actual) {
  if (std::isnan(expected)) return std::isnan(actual);
  return expected == actual;  // +-inf
}

}  // namespace

Comparison Compare(const float* actual, const std::vector<float>& expected) {
  Comparison c;
  double max_magnitude = 0;
  for (float e : expected) {
    if (std::isfinite(e)) max_magnitude = std::max(max_magnitude, std::fabs(double(e)));
  }
  c.tolerance = kAbsoluteTolerance + kRelativeTolerance * max_magnitude;
  bool non_finite_miss = false;  // a non-finite miss is reported in preference to any error
  bool have_worst = false;
  for (size_t i = 0; i < expected.size(); ++i) {
    const float e = expected[i], a = actual[i];
    if (!std::isfinite(e)) {
      if (SameNonFinite(e, a)) continue;
      ++c.mismatches;
      if (!non_finite_miss) c.worst_index = i, c.expected = e, c.actual = a;
      non_finite_miss = true;
      continue;
    }
    // A NaN actual value fails every comparison, so it must be caught explicitly.
    const double error = std::isfinite(a) ? std::fabs(double(a) - double(e)) : INFINITY;
    if (error > c.tolerance) ++c.mismatches;
    if (!non_finite_miss && (!have_worst || error > c.max_error)) {
      c.worst_index = i, c.expected = e, c.actual = a;
      have_worst = true;
    }
    c.max_error = std::max(c.max_error, error);
  }
  c.ok = c.mismatches == 0;
  return c;
}

std::string Comparison::Describe() const {
  char text[256];
  std::snprintf(text, sizeof text,
                "%zu element(s) outside tolerance; max |err| %.3g at [%zu] (expected %.9g, got "
                "%.9g), tolerance %.3g",
                mismatches, max_error, worst_index, double(expected), double(actual), tolerance);
  return text;
}

}  // namespace frost::conformance
