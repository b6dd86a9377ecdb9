#include "op_test_util.hpp"

namespace frost::testing {
namespace {

ModelBytes SoftmaxModel(const std::vector<int64_t>& shape, int axis, bool log, bool coerce_2d) {
  ModelBuilder b;
  int x = b.Input("x", shape);
  b.Output(b.AddOp("softmax", schema::CreateSoftmax(b.fbb(), axis, log, coerce_2d), {x}, shape));
  return b.Finish();
}

TEST_CASE("Softmax by hand") {
  const double e1 = std::exp(1.0), e2 = std::exp(2.0), sum = 1 + e1 + e2;
  const std::vector<float> expected = {float(1 / sum), float(e1 / sum), float(e2 / sum)};
  for (bool reference : {true, false}) {
    RunResult r = RunModel(SoftmaxModel({1, 3}, -1, false, false), {{0, 1, 2}}, 1, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    ExpectClose(r.outputs[0], expected, 1e-6f);
    RunResult l = RunModel(SoftmaxModel({1, 3}, 1, true, false), {{0, 1, 2}}, 1, reference);
    REQUIRE_MESSAGE(l.status.ok(), l.status.message());
    ExpectClose(l.outputs[0],
                {float(-std::log(sum)), float(1 - std::log(sum)), float(2 - std::log(sum))}, 1e-6f);
  }
  // Axis 0 of a [2, 2]: columns normalised; {0, 0} and {1, 1} -> 0.5 each, etc.
  RunResult r = RunModel(SoftmaxModel({2, 2}, 0, false, false), {{0, 5, 0, 5}}, 2, true);
  REQUIRE(r.status.ok());
  CHECK(r.outputs[0] == std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f});
  // coerce_2d with axis 1 of [1, 2, 2]: all four values normalised together.
  RunResult c = RunModel(SoftmaxModel({1, 2, 2}, 1, false, true), {{1, 1, 1, 1}}, 1, true);
  REQUIRE(c.status.ok());
  CHECK(c.outputs[0] == std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f});
}

TEST_CASE("Softmax fast path matches the reference") {
  ExpectFastMatchesReference(SoftmaxModel({4, 10}, -1, false, false), {Random(40, 1, -5, 5)}, 4);
  ExpectFastMatchesReference(SoftmaxModel({2, 3, 17}, 2, false, false), {Random(102, 2, -5, 5)}, 2);
  ExpectFastMatchesReference(SoftmaxModel({2, 3, 4}, 1, false, true), {Random(24, 3, -5, 5)}, 2);
  ExpectFastMatchesReference(SoftmaxModel({2, 3, 4}, 1, false, false), {Random(24, 4, -5, 5)}, 2,
                             "reference");
  ExpectFastMatchesReference(SoftmaxModel({4, 10}, -1, true, false), {Random(40, 5, -5, 5)}, 4,
                             "reference");
}

}  // namespace
}  // namespace frost::testing
