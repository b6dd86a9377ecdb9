// Gemm and MatMul: transA/transB/alpha/beta normalised into FullyConnected (weight [O, K])
// when B is constant, MatMul (+ Mul) (+ Add) when it is computed.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

// Y = alpha * A' B' + beta * C for A [M, K] (as given), B [K, O] (as given).
std::vector<float> RefGemm(const std::vector<float>& a, const std::vector<float>& b,
                           const std::vector<float>& c, const std::vector<int64_t>& c_shape,
                           int64_t M, int64_t K, int64_t O, float alpha, float beta) {
  std::vector<float> y(M * O);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < O; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k) acc += double(a[i * K + k]) * b[k * O + j];
      double cv = 0;
      if (!c.empty()) {
        const int64_t ci = c_shape.size() == 2 && c_shape[0] != 1 ? i : 0;
        const int64_t cj = c_shape.empty() || c_shape.back() == 1 ? 0 : j;
        cv = c[ci * (c_shape.empty() ? 1 : c_shape.back()) + cj];
      }
      y[i * O + j] = static_cast<float>(alpha * acc + beta * cv);
    }
  return y;
}

struct GemmCase {
  std::string what;
  bool trans_a, trans_b;
  float alpha, beta;
  std::vector<int64_t> c_shape;  // empty with has_c false: no C
  bool has_c;
  bool b_constant;
  int fully_connected;  // expected FullyConnected ops
};

TEST_CASE("Gemm with every attribute combination") {
  const int64_t M = 3, K = 5, O = 4;
  const std::vector<GemmCase> cases = {
      {"plain with bias", false, true, 1.f, 1.f, {O}, true, true, 1},
      {"transB 0, alpha, beta", false, false, 0.5f, 2.f, {1, O}, true, true, 1},
      {"no C", false, true, 1.f, 1.f, {}, false, true, 1},
      {"scalar C", false, true, 1.f, 0.5f, {}, true, true, 1},
      {"C per row and column", false, true, 1.f, 1.f, {M, O}, true, true, 1},
      {"C per row", false, true, 1.f, 1.f, {M, 1}, true, true, 1},
      {"transA", true, true, 1.5f, 1.f, {O}, true, true, 1},
      {"computed B", false, true, 2.f, 0.5f, {O}, true, false, 0},
  };
  for (const GemmCase& c : cases) {
    CAPTURE(c.what);
    const std::vector<float> b_data = Random(K * O, 2);  // logical B' = [K, O]
    const std::vector<float> b_given = c.trans_b ? RefTranspose(b_data, {K, O}, {1, 0}) : b_data;
    const std::vector<float> c_data =
        c.has_c ? Random(Elements(c.c_shape), 3) : std::vector<float>();
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("a", c.trans_a ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K});
    if (c.b_constant) {
      b.Initializer("B", c.trans_b ? std::vector<int64_t>{O, K} : std::vector<int64_t>{K, O},
                    b_given);
    } else {
      // B = B0 + (a * 0)[0:1, 0:1]: the same values, but computed at run time.
      b.Initializer("B0", c.trans_b ? std::vector<int64_t>{O, K} : std::vector<int64_t>{K, O},
                    b_given);
      b.Initializer("zero", {}, {0.f});
      b.Node("Mul", {"a", "zero"}, {"a0"});
      b.IntConstant("s0", {2}, {0, 0}).IntConstant("s1", {2}, {1, 1});
      b.IntConstant("s2", {2}, {0, 1});
      b.Node("Slice", {"a0", "s0", "s1", "s2"}, {"a0s"});
      b.Node("Add", {"B0", "a0s"}, {"B"});
    }
    std::vector<std::string> inputs = {"a", "B"};
    if (c.has_c) {
      b.Initializer("C", c.c_shape, c_data);
      inputs.push_back("C");
    }
    b.Node("Gemm", inputs, {"y"})
        .Float("alpha", c.alpha)
        .Float("beta", c.beta)
        .Int("transA", c.trans_a)
        .Int("transB", c.trans_b);
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(OpCount(*m.model, "FullyConnected") == c.fully_connected);
    const std::vector<float> a = Random(M * K, 1);  // logical A' = [M, K]
    const std::vector<float> a_given = c.trans_a ? RefTranspose(a, {M, K}, {1, 0}) : a;
    const std::vector<float> expected =
        RefGemm(a, b_data, c_data, c.c_shape, M, K, O, c.alpha, c.beta);
    ExpectClose(Run(m.model, a_given, c.trans_a ? K : M), expected, 1e-5f);
  }
}

TEST_CASE("MatMul: constant 2-D B becomes FullyConnected, bias Add folds into it") {
  const int64_t N = 2, K = 6, O = 3;
  const std::vector<float> w = Random(K * O, 1), bias = Random(O, 2);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {N, K});
  b.Initializer("w", {K, O}, w).Initializer("bias", {O}, bias);
  b.Node("MatMul", {"x", "w"}, {"xw"});
  b.Node("Add", {"xw", "bias"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(NumOps(*m.model) == 1);
  CHECK(OpCount(*m.model, "FullyConnected") == 1);
  const std::vector<float> x = Random(N * K, 3);
  ExpectClose(Run(m.model, x), RefLinear(x, N, K, RefTranspose(w, {K, O}, {1, 0}), O, bias), 1e-5f);
}

TEST_CASE("MatMul of 3-D activations by a constant, and of two activations") {
  const int64_t N = 2, S = 3, K = 4, O = 5;
  const std::vector<float> w = Random(K * O, 1);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {N, S, K});
  b.Initializer("w", {K, O}, w);
  b.Node("MatMul", {"x", "w"}, {"xw"});                          // [N, S, O]
  b.Node("Transpose", {"xw"}, {"xwt"}).Ints("perm", {0, 2, 1});  // [N, O, S]
  b.Node("MatMul", {"xw", "xwt"}, {"y"});                        // [N, S, S]
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "MatMul") == 2);
  const std::vector<float> x = Random(N * S * K, 2);
  std::vector<float> xw(N * S * O), expected(N * S * S);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t s = 0; s < S; ++s)
      for (int64_t o = 0; o < O; ++o) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k) acc += double(x[(n * S + s) * K + k]) * w[k * O + o];
        xw[(n * S + s) * O + o] = static_cast<float>(acc);
      }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t i = 0; i < S; ++i)
      for (int64_t j = 0; j < S; ++j) {
        double acc = 0;
        for (int64_t o = 0; o < O; ++o)
          acc += double(xw[(n * S + i) * O + o]) * xw[(n * S + j) * O + o];
        expected[(n * S + i) * S + j] = static_cast<float>(acc);
      }
  ExpectClose(Run(m.model, x), expected, 1e-5f);
}

}  // namespace
}  // namespace frost::testing
