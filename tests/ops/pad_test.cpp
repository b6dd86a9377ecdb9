#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using schema::PadMode;
using Shape = std::vector<int64_t>;

ModelBytes PadModel(const Shape& in, const std::vector<int64_t>& pads, PadMode mode, float value) {
  ModelBuilder b;
  b.SetBatchPolymorphic(false);
  int x = b.Input("x", in);
  Shape out = in;
  for (size_t i = 0; i < in.size(); ++i) out[i] += pads[i] + pads[i + in.size()];
  b.Output(b.AddOp("pad", schema::CreatePadDirect(b.fbb(), &pads, mode, value), {x}, out));
  return b.Finish();
}

TEST_CASE("Pad modes by hand") {
  const std::vector<float> x = {1, 2, 3};
  struct Case {
    PadMode mode;
    std::vector<float> expected;
  };
  // 2 before, 2 after
  const std::vector<Case> cases = {
      {PadMode::CONSTANT, {7, 7, 1, 2, 3, 7, 7}},
      {PadMode::REFLECT, {3, 2, 1, 2, 3, 2, 1}},
      {PadMode::EDGE, {1, 1, 1, 2, 3, 3, 3}},
  };
  for (const Case& c : cases) {
    for (bool reference : {true, false}) {
      RunResult r = RunModel(PadModel({3}, {2, 2}, c.mode, 7), {x}, 3, reference);
      REQUIRE_MESSAGE(r.status.ok(), r.status.message());
      CHECK(r.outputs[0] == c.expected);
    }
  }
  // 2-D: one row of zeros on top, one column on the right.
  RunResult r =
      RunModel(PadModel({2, 2}, {1, 0, 0, 1}, PadMode::CONSTANT, 0), {{1, 2, 3, 4}}, 2, false);
  REQUIRE(r.status.ok());
  CHECK(r.outputs[0] == std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0});
}

TEST_CASE("Pad fast path matches the reference") {
  ExpectFastMatchesReference(PadModel({2, 5, 6, 3}, {0, 1, 2, 0, 0, 2, 1, 1}, PadMode::CONSTANT, 0),
                             {Random(180, 1)}, 2);
  ExpectFastMatchesReference(
      PadModel({1, 4, 4, 2}, {0, 0, 0, 3, 0, 0, 0, 5}, PadMode::CONSTANT, -1.5f), {Random(32, 2)},
      1);
  ExpectFastMatchesReference(PadModel({2, 4, 5, 3}, {0, 2, 3, 0, 0, 3, 1, 0}, PadMode::REFLECT, 0),
                             {Random(120, 3)}, 2, "reference");
  ExpectFastMatchesReference(PadModel({2, 4, 5, 3}, {0, 2, 3, 0, 0, 3, 1, 0}, PadMode::EDGE, 0),
                             {Random(120, 4)}, 2, "reference");
}

TEST_CASE("Pad rejects reflect padding as large as the dim") {
  std::shared_ptr<const Model> model;
  CHECK_FALSE(LoadModel(PadModel({3}, {3, 0}, PadMode::REFLECT, 0), &model).ok());
  CHECK(LoadModel(PadModel({3}, {2, 0}, PadMode::REFLECT, 0), &model).ok());
}

}  // namespace
}  // namespace frost::testing
