// Central finite differences for the trainer's gradient tests.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace frost::train::testing {

// Checks analytic[i] against (f(x + h e_i) - f(x - h e_i)) / 2h for every i, where f reads
// `x` (which this perturbs and restores). Double precision: h = 1e-6 leaves an error
// around 1e-9 relative, so 1e-6 is a strict tolerance.
inline void CheckGradient(const char* what, std::vector<double>* x,
                          const std::function<double()>& f, const std::vector<double>& analytic,
                          double tolerance = 1e-6, double h = 1e-6) {
  REQUIRE(analytic.size() == x->size());
  for (size_t i = 0; i < x->size(); ++i) {
    double saved = (*x)[i];
    (*x)[i] = saved + h;
    double up = f();
    (*x)[i] = saved - h;
    double down = f();
    (*x)[i] = saved;
    double numeric = (up - down) / (2 * h);
    double scale = std::max(1.0, std::max(std::abs(numeric), std::abs(analytic[i])));
    INFO(what << " element " << i << ": analytic " << analytic[i] << ", numeric " << numeric);
    CHECK(std::abs(numeric - analytic[i]) <= tolerance * scale);
  }
}

// Deterministic test values in [-scale, scale).
inline std::vector<double> TestValues(size_t n, unsigned seed, double scale = 1.0) {
  std::vector<double> v(n);
  unsigned state = seed * 2654435761u + 1;
  for (double& x : v) {
    state = state * 1664525u + 1013904223u;
    x = scale * (double(state >> 8) / double(1u << 24) * 2 - 1);
  }
  return v;
}

}  // namespace frost::train::testing
