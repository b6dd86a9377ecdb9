// Importers of the elementwise ops: each converted alone, run, and compared with the
// formula from the ONNX definition.
#include <functional>

#include "convert_test_util.hpp"

namespace frost::testing {
namespace {

struct UnaryCase {
  std::string op;
  int opset;
  std::function<void(NodeRef&)> attrs;
  std::function<float(float)> fn;
  float lo = -3.f, hi = 3.f;
};

TEST_CASE("unary importers match their ONNX formulas") {
  const std::vector<UnaryCase> cases = {
      {"Relu", 13, nullptr, [](float x) { return std::max(x, 0.f); }},
      {"LeakyRelu", 13, [](NodeRef& n) { n.Float("alpha", 0.2f); },
       [](float x) { return x >= 0 ? x : 0.2f * x; }},
      {"LeakyRelu", 13, nullptr, [](float x) { return x >= 0 ? x : 0.01f * x; }},
      {"Sigmoid", 13, nullptr, [](float x) { return 1.f / (1.f + std::exp(-x)); }},
      {"Tanh", 13, nullptr, [](float x) { return std::tanh(x); }},
      {"Abs", 13, nullptr, [](float x) { return std::fabs(x); }},
      {"Neg", 13, nullptr, [](float x) { return -x; }},
      {"Exp", 13, nullptr, [](float x) { return std::exp(x); }},
      {"Log", 13, nullptr, [](float x) { return std::log(x); }, 0.1f, 5.f},
      {"Sqrt", 13, nullptr, [](float x) { return std::sqrt(x); }, 0.f, 5.f},
      {"Floor", 13, nullptr, [](float x) { return std::floor(x); }},
      {"Ceil", 13, nullptr, [](float x) { return std::ceil(x); }},
      {"Reciprocal", 13, nullptr, [](float x) { return 1.f / x; }, 0.5f, 3.f},
      {"Elu", 13, [](NodeRef& n) { n.Float("alpha", 0.5f); },
       [](float x) { return x > 0 ? x : 0.5f * (std::exp(x) - 1.f); }},
      {"Selu", 13, nullptr,
       [](float x) {
         const float a = 1.67326319217681884765625f, g = 1.05070102214813232421875f;
         return x > 0 ? g * x : g * a * (std::exp(x) - 1.f);
       }},
      {"HardSigmoid", 13, [](NodeRef& n) { n.Float("alpha", 0.25f).Float("beta", 0.4f); },
       [](float x) { return std::clamp(0.25f * x + 0.4f, 0.f, 1.f); }},
      {"HardSwish", 14, nullptr, [](float x) { return x * std::clamp(x / 6.f + 0.5f, 0.f, 1.f); },
       -5.f, 5.f},
      {"Softplus", 13, nullptr, [](float x) { return std::log(std::exp(x) + 1.f); }},
      {"Softsign", 13, nullptr, [](float x) { return x / (1.f + std::fabs(x)); }},
      {"Identity", 13, nullptr, [](float x) { return x; }},
      {"Clip", 7, [](NodeRef& n) { n.Float("min", -0.5f).Float("max", 1.5f); },
       [](float x) { return std::clamp(x, -0.5f, 1.5f); }},
  };
  for (const UnaryCase& c : cases) {
    CAPTURE(c.op);
    TempDir dir;
    OnnxBuilder b(c.opset);
    b.Input("x", {2, 3, 4, 5});
    // A Relu-free producer first, so Identity is not the only node.
    b.Node("Mul", {"x", "two"}, {"x2"});
    b.Initializer("two", {}, {2.f});
    NodeRef n = b.Node(c.op, {"x2"}, {"y"}, "the_op");
    if (c.attrs) c.attrs(n);
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    const std::vector<float> x = Random(120, 7, c.lo / 2, c.hi / 2);
    std::vector<float> expected(x.size());
    for (size_t i = 0; i < x.size(); ++i) expected[i] = c.fn(2.f * x[i]);
    ExpectClose(Run(m.model, x), expected, 1e-5f);
  }
}

TEST_CASE("Clip from opset 11 takes min/max inputs; missing max means no upper bound") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, 8});
  b.Initializer("lo", {}, {-0.25f});
  b.Node("Clip", {"x", "lo"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  const std::vector<float> x = Random(8, 3, -2, 2);
  std::vector<float> expected = x;
  for (float& v : expected) v = std::max(v, -0.25f);
  ExpectClose(Run(m.model, x), expected);
}

struct BinaryCase {
  std::string op;
  std::function<float(float, float)> fn;
};

TEST_CASE("binary importers broadcast constants and activations") {
  const std::vector<BinaryCase> cases = {
      {"Add", [](float a, float b) { return a + b; }},
      {"Sub", [](float a, float b) { return a - b; }},
      {"Mul", [](float a, float b) { return a * b; }},
      {"Div", [](float a, float b) { return a / b; }},
      {"Max", [](float a, float b) { return std::max(a, b); }},
      {"Min", [](float a, float b) { return std::min(a, b); }},
      {"Pow", [](float a, float b) { return std::pow(a, b); }},
  };
  for (const BinaryCase& c : cases) {
    CAPTURE(c.op);
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {2, 3, 4});
    const std::vector<float> k = Random(4, 11, 0.5f, 2.f);  // broadcast along the last axis
    b.Initializer("k", {4}, k);
    b.Node("Abs", {"x"}, {"ax"});
    b.Node(c.op, {"ax", "k"}, {"y1"});
    b.Node(c.op, {"y1", "ax"}, {"y"});  // two activations
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    const std::vector<float> x = Random(24, 5, 0.5f, 2.f);
    std::vector<float> expected(24);
    for (size_t i = 0; i < 24; ++i) {
      const float ax = std::fabs(x[i]);
      expected[i] = c.fn(c.fn(ax, k[i % 4]), ax);
    }
    ExpectClose(Run(m.model, x), expected, 1e-5f);
  }
}

TEST_CASE("Sum, Max and Min take any number of inputs") {
  for (const std::string op : {"Sum", "Max", "Min"}) {
    CAPTURE(op);
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {3, 4});
    b.Initializer("a", {1, 4}, {0.1f, -0.2f, 0.3f, -0.4f});
    b.Initializer("c", {3, 1}, {1.f, -1.f, 0.5f});
    b.Node("Neg", {"x"}, {"nx"});
    b.Node(op, {"x", "a", "nx", "c"}, {"y"});
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(OpCount(*m.model, "Binary") == 3);
    const std::vector<float> x = Random(12, 9);
    const float a[4] = {0.1f, -0.2f, 0.3f, -0.4f}, cc[3] = {1.f, -1.f, 0.5f};
    std::vector<float> expected(12);
    for (int r = 0; r < 3; ++r)
      for (int j = 0; j < 4; ++j) {
        const float v[4] = {x[r * 4 + j], a[j], -x[r * 4 + j], cc[r]};
        float acc = v[0];
        for (int i = 1; i < 4; ++i) {
          acc = op == "Sum" ? acc + v[i] : op == "Max" ? std::max(acc, v[i]) : std::min(acc, v[i]);
        }
        expected[r * 4 + j] = acc;
      }
    ExpectClose(Run(m.model, x, 3), expected);
  }
}

}  // namespace
}  // namespace frost::testing
