#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using schema::BinaryKind;
using Shape = std::vector<int64_t>;

Shape Broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t ra = out.size() - i, rb = out.size() - i;
    const int64_t da = ra <= a.size() ? a[a.size() - ra] : 1;
    const int64_t db = rb <= b.size() ? b[b.size() - rb] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// a (op) b with a a graph input and b a constant or a second graph input.
ModelBytes BinaryModel(BinaryKind kind, const Shape& a, const Shape& b, bool b_constant,
                       const std::vector<float>& b_values,
                       schema::FusedActivation fused = schema::FusedActivation::NONE, float lo = 0,
                       float hi = 0) {
  ModelBuilder m;
  m.SetBatchPolymorphic(false);
  int ta = m.Input("a", a);
  int tb = b_constant ? m.Constant("b", b, b_values) : m.Input("b", b);
  auto options = schema::CreateBinary(m.fbb(), kind, MakeFused(m.fbb(), fused, lo, hi));
  m.Output(m.AddOp("binary", options, {ta, tb}, Broadcast(a, b)));
  return m.Finish();
}

TEST_CASE("Binary by hand, with broadcasting") {
  const std::vector<float> a = {1, 2, 3, -4, 5, 6};  // [2, 3]
  const std::vector<float> b = {2, -1, 0.5f};        // [3]
  struct Case {
    BinaryKind kind;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      {BinaryKind::ADD, {3, 1, 3.5f, -2, 4, 6.5f}},
      {BinaryKind::SUB, {-1, 3, 2.5f, -6, 6, 5.5f}},
      {BinaryKind::MUL, {2, -2, 1.5f, -8, -5, 3}},
      {BinaryKind::DIV, {0.5f, -2, 6, -2, -5, 12}},
      {BinaryKind::MAXIMUM, {2, 2, 3, 2, 5, 6}},
      {BinaryKind::MINIMUM, {1, -1, 0.5f, -4, -1, 0.5f}},
      {BinaryKind::POW, {1, 0.5f, std::sqrt(3.0f), 16, 0.2f, std::sqrt(6.0f)}},
  };
  for (const Case& c : cases) {
    CAPTURE(int(c.kind));
    for (bool reference : {true, false}) {
      RunResult r = RunModel(BinaryModel(c.kind, {2, 3}, {3}, true, b), {a}, 2, reference);
      REQUIRE_MESSAGE(r.status.ok(), r.status.message());
      ExpectClose(r.outputs[0], c.expected, 1e-6f);
    }
  }
  // Fused ReLU on a subtraction.
  RunResult relu =
      RunModel(BinaryModel(BinaryKind::SUB, {2, 3}, {3}, true, b, schema::FusedActivation::RELU),
               {a}, 2, false);
  REQUIRE_MESSAGE(relu.status.ok(), relu.status.message());
  CHECK(relu.outputs[0] == std::vector<float>{0, 3, 2.5f, 0, 6, 5.5f});
}

TEST_CASE("Binary fast path matches the reference") {
  using F = schema::FusedActivation;
  struct Shapes {
    Shape a, b;
    bool b_constant;
  };
  const std::vector<Shapes> shapes = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}, false},
      {{2, 3, 4, 5}, {5}, true},
      {{2, 1, 4, 1}, {1, 3, 1, 5}, false},
      {{1, 7, 7, 64}, {1, 1, 1, 64}, true},
      {{3, 5}, {1}, true},
      {{3, 5}, {}, true},                            // a rank-0 scalar
      {{2, 3, 1, 2, 3, 2}, {3, 4, 1, 3, 1}, false},  // 6-D: XNNPACK's limit
  };
  const BinaryKind kinds[] = {BinaryKind::ADD, BinaryKind::SUB,     BinaryKind::MUL,
                              BinaryKind::DIV, BinaryKind::MAXIMUM, BinaryKind::MINIMUM};
  uint32_t seed = 1;
  for (const Shapes& s : shapes) {
    for (BinaryKind kind : kinds) {
      CAPTURE(seed);
      // Divisors kept away from zero.
      const std::vector<float> b = Random(Count(s.b), seed + 1000, 0.5f, 2.0f);
      ModelBytes bytes = BinaryModel(kind, s.a, s.b, s.b_constant, b);
      std::vector<std::vector<float>> inputs = {Random(Count(s.a), seed)};
      if (!s.b_constant) inputs.push_back(b);
      ExpectFastMatchesReference(bytes, inputs, s.a[0]);
      ++seed;
    }
  }
  // Fused activations, including on maximum (whose XNNPACK operator takes no range).
  for (BinaryKind kind : {BinaryKind::ADD, BinaryKind::MUL, BinaryKind::MAXIMUM}) {
    ModelBytes relu = BinaryModel(kind, {2, 8}, {8}, true, Random(8, 5), F::RELU);
    ExpectFastMatchesReference(relu, {Random(16, 6)}, 2);
    ModelBytes clip = BinaryModel(kind, {2, 8}, {8}, true, Random(8, 7), F::CLIP, -0.3f, 0.2f);
    ExpectFastMatchesReference(clip, {Random(16, 8)}, 2);
  }
}

TEST_CASE("Binary beyond XNNPACK's rank and POW use the reference") {
  const Shape a = {2, 1, 3, 1, 2, 1, 2}, b = {1, 2, 1, 3, 1, 2, 1};  // 7-D
  ModelBytes bytes = BinaryModel(BinaryKind::ADD, a, b, true, Random(Count(b), 2));
  ExpectFastMatchesReference(bytes, {Random(Count(a), 1)}, 2, "reference");
  RunResult r = RunModel(bytes, {std::vector<float>(Count(a), 1.0f)}, 2, false);
  REQUIRE(r.status.ok());
  CHECK(r.outputs[0].size() == 2 * 2 * 3 * 3 * 2 * 2 * 2);
  ModelBytes pow = BinaryModel(BinaryKind::POW, {4}, {4}, true, {2, 0.5f, -1, 3});
  RunResult p = RunModel(pow, {{3, 4, 2, -2}}, 4, false);
  REQUIRE_MESSAGE(p.status.ok(), p.status.message());
  CHECK(p.kernels[0] == "Binary reference");
  ExpectClose(p.outputs[0], {9, 2, 0.5f, -8}, 1e-6f);
}

TEST_CASE("Binary rejects shapes that do not broadcast") {
  ModelBuilder m;
  int a = m.Input("a", {2, 3});
  int b = m.Constant("b", {2}, {1, 2});
  m.Output(m.AddOp("add", schema::CreateBinary(m.fbb(), BinaryKind::ADD), {a, b}, {2, 3}));
  std::shared_ptr<const Model> model;
  Status s = LoadModel(m.Finish(), &model);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("do not broadcast") != std::string::npos);
  CHECK(s.message().find("'add'") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
