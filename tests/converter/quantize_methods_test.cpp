// --quantize int8's calibration methods on known inputs: the least-squared-error range of a
// histogram (quantize/range.hpp) and weight rounding with error feedback
// (quantize/weight_rounding.hpp), each against a brute-force or hand-made reference.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ir.hpp"
#include "quantize/range.hpp"
#include "quantize/weight_rounding.hpp"

namespace frost::testing {
namespace {

convert::Distribution Histogram(const std::vector<float>& v) {
  convert::Distribution d;
  d.AddToRange(v.data(), v.size(), 1);
  d.AddToHistogram(v.data(), v.size());
  return d;
}

// The least GridError over ranges [lo_k, hi_k] scanned in 400 x 400 steps of the data range.
double BruteForceBest(const convert::Distribution& d) {
  double best = 1e300;
  const double lo0 = std::min(0.0, double(d.min)), hi0 = std::max(0.0, double(d.max));
  for (int a = 0; a <= 400; ++a) {
    const double lo = lo0 * a / 400.0;
    for (int b = 1; b <= 400; ++b) best = std::min(best, convert::GridError(d, lo, hi0 * b / 400.0));
  }
  return best;
}

TEST_CASE("mse range: uniform data keeps its range, a lone outlier is partly clipped") {
  std::vector<float> v(100000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i + 1) / float(v.size());
  {
    const auto [lo, hi] = convert::MseRange(Histogram(v));
    CHECK(lo == 0.0f);
    CHECK(hi > 0.99f);  // clipping any of a uniform range costs more than the finer steps gain
    CHECK(hi <= 1.0f);
  }
  // One value at 100 among 100,000 below 1: reaching it makes steps of 0.39 (rounding error
  // 1e5 * 0.39^2 / 12 = 1,280 in all), clipping it at 1 costs 99^2 = 9,801; the best grid
  // lies between, near 89 (1e5 * 0.35^2 / 12 + 11^2 = 1,136).
  v.push_back(100.0f);
  const convert::Distribution d = Histogram(v);
  const auto [lo, hi] = convert::MseRange(d);
  CHECK(lo == 0.0f);
  CHECK(hi == doctest::Approx(89.0).epsilon(0.02));
  CHECK(convert::GridError(d, lo, hi) < convert::GridError(d, 0, 100));
  CHECK(convert::GridError(d, lo, hi) < convert::GridError(d, 0, 1));
}

TEST_CASE("mse range: the least error of a brute-force scan, one- and two-sided") {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.5f, 1.0f);
  std::vector<float> gauss(200000), relu(200000);
  for (size_t i = 0; i < gauss.size(); ++i) {
    gauss[i] = normal(rng);
    relu[i] = std::max(0.0f, std::pow(normal(rng), 3.0f));  // a long one-sided tail, many zeros
  }
  for (const std::vector<float>* v : {&gauss, &relu}) {
    const convert::Distribution d = Histogram(*v);
    const auto [lo, hi] = convert::MseRange(d);
    CAPTURE(lo);
    CAPTURE(hi);
    CHECK(lo <= 0.0f);
    CHECK(hi >= 0.0f);
    CHECK(lo >= d.min);
    CHECK(hi <= d.max);
    const double error = convert::GridError(d, lo, hi);
    CHECK(error <= BruteForceBest(d) * 1.001);
    CHECK(error < convert::GridError(d, d.min, d.max));  // these tails are worth clipping
  }
  // A Gaussian's least-error 8-bit range clips both tails, symmetrically about 0 here only
  // as far as the data's own offset allows: both ends stay several sigma out.
  const auto [lo, hi] = convert::MseRange(Histogram(gauss));
  CHECK(lo < -2.5f);
  CHECK(hi > 3.5f);
}

// sum over output rows of d H d^T, d = the rounded row minus the float row: the layer's mean
// squared output error for inputs with second moments H.
double OutputError(const std::vector<float>& w, const std::vector<int8_t>& q, const std::vector<float>& scales,
                   const std::vector<double>& h, size_t k) {
  double e = 0;
  for (size_t o = 0; o < scales.size(); ++o) {
    for (size_t a = 0; a < k; ++a) {
      for (size_t b = 0; b < k; ++b) {
        e += (q[o * k + a] * scales[o] - w[o * k + a]) * h[a * k + b] * (q[o * k + b] * scales[o] - w[o * k + b]);
      }
    }
  }
  return e;
}

std::vector<int8_t> Nearest(const std::vector<float>& w, const std::vector<float>& scales, size_t k) {
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) q[i] = int8_t(std::clamp(std::nearbyint(w[i] / scales[i / k]), -127.0f, 127.0f));
  return q;
}

TEST_CASE("gptq rounding: less output error on correlated inputs, nearest on uncorrelated ones") {
  constexpr size_t kOut = 6, kIn = 24;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> w(kOut * kIn), scales(kOut);
  for (float& x : w) x = uniform(rng);
  for (size_t o = 0; o < kOut; ++o) {
    float m = 0;
    for (size_t i = 0; i < kIn; ++i) m = std::max(m, std::fabs(w[o * kIn + i]));
    scales[o] = m / 127.0f;
  }
  // Inputs with strongly correlated neighbours: x_i = z + 0.3 e_i.
  std::vector<double> h(kIn * kIn);
  for (size_t a = 0; a < kIn; ++a) {
    for (size_t b = 0; b < kIn; ++b) h[a * kIn + b] = 1.0 + (a == b ? 0.09 : 0.0);
  }
  std::vector<int8_t> fed_back;
  REQUIRE(convert::RoundWithErrorFeedback(w, kOut, scales, h, &fed_back));
  const std::vector<int8_t> nearest = Nearest(w, scales, kIn);
  const double e_nearest = OutputError(w, nearest, scales, h, kIn);
  const double e_fed_back = OutputError(w, fed_back, scales, h, kIn);
  MESSAGE("output error: nearest " << e_nearest << ", with error feedback " << e_fed_back);
  CHECK(e_fed_back < 0.5 * e_nearest);
  for (size_t i = 0; i < w.size(); ++i) {  // every weight still within one step of its value
    CHECK(std::fabs(fed_back[i] * scales[i / kIn] - w[i]) <= 1.5 * scales[i / kIn]);
  }

  // Uncorrelated inputs (H diagonal): nothing to push anywhere, so exactly nearest rounding.
  std::vector<double> diagonal(kIn * kIn, 0.0);
  for (size_t a = 0; a < kIn; ++a) diagonal[a * kIn + a] = 1.0 + double(a);
  REQUIRE(convert::RoundWithErrorFeedback(w, kOut, scales, diagonal, &fed_back));
  CHECK(fed_back == nearest);
}

TEST_CASE("gptq input moments: a padded, strided 3x3 convolution's patches by hand") {
  // Input 1 x 3 x 3 x 2 (NHWC), values 1..18; 3x3 kernel, stride 2, pads 1: output 2 x 2,
  // 4 patches of 18 (kh, kw, c), zeros where the window leaves the image.
  convert::Node conv;
  conv.op = "Conv";
  conv.SetInts("kernel_shape", {3, 3});
  conv.SetInts("strides", {2, 2});
  conv.SetInts("dilations", {1, 1});
  conv.SetInts("pads", {1, 1, 1, 1});
  std::vector<float> x(18);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i + 1);
  convert::InputMoments m(conv, {4, 3, 3, 2}, /*images=*/1, /*max_patches=*/100);
  m.Add({1, 3, 3, 2}, x.data());
  REQUIRE(m.dim() == 18);
  CHECK(m.patches() == 4);
  std::vector<double> expected(18 * 18, 0.0);
  for (int oy = 0; oy < 2; ++oy) {
    for (int ox = 0; ox < 2; ++ox) {
      std::vector<double> p(18, 0.0);
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
          const int iy = oy * 2 - 1 + i, ix = ox * 2 - 1 + j;
          if (iy < 0 || iy >= 3 || ix < 0 || ix >= 3) continue;
          for (int c = 0; c < 2; ++c) p[(i * 3 + j) * 2 + c] = x[(iy * 3 + ix) * 2 + c];
        }
      }
      for (size_t a = 0; a < 18; ++a) {
        for (size_t b = 0; b < 18; ++b) expected[a * 18 + b] += p[a] * p[b] / 4.0;
      }
    }
  }
  CHECK(m.Matrix() == expected);
}

}  // namespace
}  // namespace frost::testing
