#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using schema::UnaryKind;

ModelBytes UnaryModel(UnaryKind kind, const std::vector<int64_t>& shape, float alpha = 0,
                      float beta = 0, float min = 0, float max = 0) {
  ModelBuilder b;
  int x = b.Input("x", shape);
  auto options = schema::CreateUnary(b.fbb(), kind, alpha, beta, min, max);
  b.Output(b.AddOp("unary", options, {x}, shape));
  return b.Finish();
}

struct HandCase {
  UnaryKind kind;
  float alpha, beta, min, max;
  std::vector<float> x, expected;
};

TEST_CASE("Unary kinds by hand (ONNX semantics)") {
  const std::vector<float> x = {-2, -0.5f, 0, 0.5f, 2};
  const float e = std::exp(1.0f);
  const std::vector<HandCase> cases = {
      {UnaryKind::RELU, 0, 0, 0, 0, x, {0, 0, 0, 0.5f, 2}},
      {UnaryKind::LEAKY_RELU, 0.1f, 0, 0, 0, x, {-0.2f, -0.05f, 0, 0.5f, 2}},
      {UnaryKind::CLIP, 0, 0, -1, 1, x, {-1, -0.5f, 0, 0.5f, 1}},
      {UnaryKind::SIGMOID, 0, 0, 0, 0, {0, 1}, {0.5f, e / (1 + e)}},
      {UnaryKind::TANH, 0, 0, 0, 0, {0, 1}, {0, std::tanh(1.0f)}},
      {UnaryKind::ABS, 0, 0, 0, 0, x, {2, 0.5f, 0, 0.5f, 2}},
      {UnaryKind::NEG, 0, 0, 0, 0, x, {2, 0.5f, 0, -0.5f, -2}},
      {UnaryKind::EXP, 0, 0, 0, 0, {0, 1}, {1, e}},
      {UnaryKind::LOG, 0, 0, 0, 0, {1, e}, {0, 1}},
      {UnaryKind::SQRT, 0, 0, 0, 0, {4, 2.25f}, {2, 1.5f}},
      {UnaryKind::FLOOR, 0, 0, 0, 0, {-1.5f, 1.5f, 2}, {-2, 1, 2}},
      {UnaryKind::CEIL, 0, 0, 0, 0, {-1.5f, 1.5f, 2}, {-1, 2, 2}},
      {UnaryKind::RECIPROCAL, 0, 0, 0, 0, {2, -4}, {0.5f, -0.25f}},
      {UnaryKind::ELU, 2, 0, 0, 0, {-1, 3}, {2 * (1 / e - 1), 3}},
      {UnaryKind::HARD_SIGMOID, 0.2f, 0.5f, 0, 0, {-3, 0, 1, 3}, {0, 0.5f, 0.7f, 1}},
      {UnaryKind::HARD_SWISH, 0, 0, 0, 0, {-4, -1, 0, 1, 4}, {0, -1.0f / 3, 0, 2.0f / 3, 4}},
      {UnaryKind::SOFTPLUS, 0, 0, 0, 0, {0, 100}, {std::log(2.0f), 100}},
      {UnaryKind::SOFTSIGN, 0, 0, 0, 0, {-3, 1}, {-0.75f, 0.5f}},
      {UnaryKind::SELU, 1.5f, 2, 0, 0, {-1, 1}, {2 * 1.5f * (1 / e - 1), 2}},
      {UnaryKind::IDENTITY, 0, 0, 0, 0, x, x},
  };
  for (const HandCase& c : cases) {
    CAPTURE(schema::EnumNameUnaryKind(c.kind));
    ModelBytes bytes = UnaryModel(c.kind, {int64_t(c.x.size())}, c.alpha, c.beta, c.min, c.max);
    for (bool reference : {true, false}) {
      CAPTURE(reference);
      RunResult r = RunModel(bytes, {c.x}, int64_t(c.x.size()), reference);
      REQUIRE_MESSAGE(r.status.ok(), r.status.message());
      ExpectClose(r.outputs[0], c.expected, 1e-6f);
    }
  }
}

TEST_CASE("Unary fast path matches the reference") {
  struct Case {
    UnaryKind kind;
    float alpha, min, max;
    const char* backend;
  };
  const std::vector<Case> cases = {
      {UnaryKind::RELU, 0, 0, 0, "xnnpack"},       {UnaryKind::LEAKY_RELU, 0.01f, 0, 0, "xnnpack"},
      {UnaryKind::CLIP, 0, -0.5f, 2, "xnnpack"},   {UnaryKind::CLIP, 0, 1, 1, "reference"},
      {UnaryKind::SIGMOID, 0, 0, 0, "xnnpack"},    {UnaryKind::ABS, 0, 0, 0, "xnnpack"},
      {UnaryKind::NEG, 0, 0, 0, "xnnpack"},        {UnaryKind::FLOOR, 0, 0, 0, "xnnpack"},
      {UnaryKind::CEIL, 0, 0, 0, "xnnpack"},       {UnaryKind::ELU, 1.0f, 0, 0, "xnnpack"},
      {UnaryKind::HARD_SWISH, 0, 0, 0, "xnnpack"}, {UnaryKind::IDENTITY, 0, 0, 0, "xnnpack"},
      {UnaryKind::TANH, 0, 0, 0, "reference"},     {UnaryKind::SOFTPLUS, 0, 0, 0, "reference"},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    CAPTURE(schema::EnumNameUnaryKind(c.kind));
    ModelBytes bytes = UnaryModel(c.kind, {3, 5, 7, 11}, c.alpha, 0, c.min, c.max);
    ExpectFastMatchesReference(bytes, {Random(3 * 5 * 7 * 11, seed++, -6, 6)}, 3, c.backend);
  }
  // Square root of non-negative inputs.
  ExpectFastMatchesReference(UnaryModel(UnaryKind::SQRT, {2, 33}), {Random(66, 99, 0, 9)}, 2);
}

}  // namespace
}  // namespace frost::testing
