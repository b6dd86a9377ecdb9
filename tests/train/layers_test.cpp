// Linear, ReLU and dropout: backward against central finite differences (double).
#include <doctest/doctest.h>

#include "finite_difference.hpp"
#include "train/layers.hpp"

namespace frost::train {
namespace {

using testing::CheckGradient;
using testing::TestValues;

// A scalar objective sum(out * r) with fixed random r, so d objective / d out = r.
double Project(const std::vector<double>& out, const std::vector<double>& r) {
  double s = 0;
  for (size_t i = 0; i < out.size(); ++i) s += out[i] * r[i];
  return s;
}

TEST_CASE("linear backward matches finite differences for weight, bias and input") {
  // 11 inputs: exercises both the 8-lane body and the tail of the dot product.
  const size_t batch = 3, in = 11, out = 4;
  std::vector<double> x = TestValues(batch * in, 1), w = TestValues(out * in, 2),
                      b = TestValues(out, 3), r = TestValues(batch * out, 4);
  std::vector<double> y(batch * out);
  auto objective = [&] {
    LinearForward(y.data(), x.data(), w.data(), b.data(), batch, in, out);
    return Project(y, r);
  };
  objective();
  std::vector<double> dx(batch * in, 99.0), dw(out * in, 0.0), db(out, 0.0);
  LinearBackward(dx.data(), dw.data(), db.data(), r.data(), x.data(), w.data(), batch, in, out);
  CheckGradient("dweight", &w, objective, dw);
  CheckGradient("dbias", &b, objective, db);
  CheckGradient("dinput", &x, objective, dx);
}

TEST_CASE("linear forward is x W^T + b and backward accumulates parameter gradients") {
  // x = [1, 2], W = [[1, 0], [0, 1], [1, 1]], b = [0.5, -0.5, 0]
  std::vector<double> x = {1, 2}, w = {1, 0, 0, 1, 1, 1}, b = {0.5, -0.5, 0}, y(3);
  LinearForward(y.data(), x.data(), w.data(), b.data(), 1, 2, 3);
  CHECK(y == std::vector<double>{1.5, 1.5, 3});
  std::vector<double> dy = {1, 0, 2}, dw(6, 1.0), db(3, 1.0);
  LinearBackward(static_cast<double*>(nullptr), dw.data(), db.data(), dy.data(), x.data(), w.data(),
                 1, 2, 3);
  CHECK(dw == std::vector<double>{2, 3, 1, 1, 3, 5});  // 1 + dy[o] * x[i]
  CHECK(db == std::vector<double>{2, 1, 3});
}

TEST_CASE("the float vector kernels agree with the plain loops, tails included") {
  for (size_t in : {1, 7, 8, 9, 64, 70, 130}) {
    for (size_t out : {1, 3, 4, 5, 10}) {
      CAPTURE(in);
      CAPTURE(out);
      const size_t batch = 5;
      auto to_float = [](const std::vector<double>& v) {
        return std::vector<float>(v.begin(), v.end());
      };
      std::vector<float> x = to_float(TestValues(batch * in, 31)),
                         w = to_float(TestValues(out * in, 32)), b = to_float(TestValues(out, 33)),
                         dy = to_float(TestValues(batch * out, 34));
      std::vector<float> y(batch * out), y_plain(batch * out);
      LinearForward(y.data(), x.data(), w.data(), b.data(), batch, in, out);
      LinearForwardPlain(y_plain.data(), x.data(), w.data(), b.data(), batch, in, out);
      for (size_t i = 0; i < y.size(); ++i) {
        CHECK(y[i] == doctest::Approx(y_plain[i]).epsilon(1e-5).scale(1.0));
      }
      // Backward adds in the plain loops' order: the same bits.
      std::vector<float> dx(batch * in), dw(out * in, 0.5f), db(out, 0.25f);
      std::vector<float> dx_plain(batch * in), dw_plain = dw, db_plain = db;
      LinearBackward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(), batch, in,
                     out);
      LinearBackwardPlain(dx_plain.data(), dw_plain.data(), db_plain.data(), dy.data(), x.data(),
                          w.data(), batch, in, out);
      CHECK(dx == dx_plain);
      CHECK(dw == dw_plain);
      CHECK(db == db_plain);
    }
  }
}

TEST_CASE("relu backward matches finite differences away from the kink") {
  std::vector<double> x = TestValues(20, 5), r = TestValues(20, 6), y, dx;
  for (double& v : x) {
    if (std::abs(v) < 1e-3) v = 0.5;  // no finite difference across 0
  }
  auto objective = [&] {
    y = x;
    ReluForward(y.data(), y.size());
    return Project(y, r);
  };
  objective();
  dx = r;
  ReluBackward(dx.data(), y.data(), x.size());
  CheckGradient("relu", &x, objective, dx);
  // The gradient at exactly 0 is 0, as in torch.
  double out = 0, grad = 1;
  ReluForward(&out, 1);
  ReluBackward(&grad, &out, 1);
  CHECK(grad == 0);
}

TEST_CASE("dropout backward matches finite differences for a fixed mask") {
  std::vector<double> x = TestValues(16, 7), r = TestValues(16, 8), y, dx;
  std::vector<double> mask(16);
  for (size_t i = 0; i < mask.size(); ++i) mask[i] = i % 3 == 0 ? 0.0 : 1.0 / 0.75;
  auto objective = [&] {
    y = x;
    DropoutForward(y.data(), mask.data(), y.size());
    return Project(y, r);
  };
  objective();
  dx = r;
  DropoutBackward(dx.data(), mask.data(), x.size());
  CheckGradient("dropout", &x, objective, dx);
  CHECK(y[0] == 0);
  CHECK(y[1] == doctest::Approx(x[1] / 0.75));
}

}  // namespace
}  // namespace frost::train
