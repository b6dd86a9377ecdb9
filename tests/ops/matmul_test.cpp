#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using Shape = std::vector<int64_t>;

// A x B where B is a constant (fast path when 2-D) or a second graph input. Not batch
// polymorphic: dim 0 of these operands is not a batch.
ModelBytes MatMulModel(const Shape& a, const Shape& b, const Shape& out, bool b_constant,
                       const std::vector<float>& b_values) {
  ModelBuilder m;
  m.SetBatchPolymorphic(false);
  int ta = m.Input("a", a);
  int tb = b_constant ? m.Constant("b", b, b_values) : m.Input("b", b);
  m.Output(m.AddOp("matmul", schema::CreateMatMul(m.fbb()), {ta, tb}, out));
  return m.Finish();
}

TEST_CASE("MatMul by hand") {
  // [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
  ModelBytes bytes = MatMulModel({2, 2}, {2, 2}, {2, 2}, true, {5, 6, 7, 8});
  for (bool reference : {true, false}) {
    RunResult r = RunModel(bytes, {{1, 2, 3, 4}}, 2, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{19, 22, 43, 50});
  }
  // Vector x matrix: [1, 2] x [[5, 6], [7, 8]] = [19, 22] (1-D result).
  ModelBytes vec = MatMulModel({2}, {2, 2}, {2}, true, {5, 6, 7, 8});
  RunResult r = RunModel(vec, {{1, 2}}, 2, true);
  REQUIRE_MESSAGE(r.status.ok(), r.status.message());
  CHECK(r.outputs[0] == std::vector<float>{19, 22});
}

TEST_CASE("MatMul fast path matches the reference") {
  struct Case {
    Shape a, b, out;
    bool b_constant;
    const char* backend;
  };
  const std::vector<Case> cases = {
      {{2, 3, 5}, {5, 4}, {2, 3, 4}, true, "xnnpack"},
      {{3, 17}, {17, 9}, {3, 9}, true, "xnnpack"},
      {{3, 4}, {4, 2}, {3, 2}, false, "reference"},
      {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}, false, "reference"},  // batch broadcasting
      {{2, 3, 4}, {4}, {2, 3}, true, "reference"},                  // 1-D B
      {{2, 2, 3}, {2, 3, 2}, {2, 2, 2}, true, "reference"},         // 3-D constant B
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    CAPTURE(seed);
    const std::vector<float> b_values = Random(Count(c.b), seed + 50);
    ModelBytes bytes = MatMulModel(c.a, c.b, c.out, c.b_constant, b_values);
    std::vector<std::vector<float>> inputs = {Random(Count(c.a), seed)};
    if (!c.b_constant) inputs.push_back(b_values);
    ExpectFastMatchesReference(bytes, inputs, c.a[0], c.backend);
    ++seed;
  }
}

TEST_CASE("MatMul rejects mismatched inner dims") {
  std::shared_ptr<const Model> model;
  Status s = LoadModel(MatMulModel({2, 3}, {4, 2}, {2, 2}, true, Random(8, 1)), &model);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("inner dims") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
