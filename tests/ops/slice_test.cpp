#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using Shape = std::vector<int64_t>;

ModelBytes SliceModel(const Shape& in, std::vector<int64_t> starts, std::vector<int64_t> ends,
                      std::vector<int64_t> steps, const Shape& out) {
  ModelBuilder b;
  b.SetBatchPolymorphic(false);
  int x = b.Input("x", in);
  b.Output(b.AddOp("slice", schema::CreateSliceDirect(b.fbb(), &starts, &ends, &steps), {x}, out));
  return b.Finish();
}

TEST_CASE("Slice by hand") {
  const std::vector<float> x = {0, 1, 2, 3, 4, 5, 6, 7};
  struct Case {
    int64_t start, end, step;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      {1, 7, 2, {1, 3, 5}},
      {0, 8, 3, {0, 3, 6}},
      {6, 1, -2, {6, 4, 2}},
      {7, -1, -1, {7, 6, 5, 4, 3, 2, 1, 0}},  // a negative step that runs to index 0
      {2, 1000, 1, {2, 3, 4, 5, 6, 7}},       // end clamped to the dim
      {5, 5, 1, {}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.start);
    CAPTURE(c.step);
    ModelBytes bytes = SliceModel({8}, {c.start}, {c.end}, {c.step}, {int64_t(c.expected.size())});
    RunResult r = RunModel(bytes, {x}, 8, false);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == c.expected);
  }
}

TEST_CASE("Slice of every second pixel (option-A shortcut)") {
  // [1, 4, 4, 2] NHWC -> [1, 2, 2, 2], pixels (0,0), (0,2), (2,0), (2,2).
  std::vector<float> x(32);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i);
  ModelBytes bytes =
      SliceModel({1, 4, 4, 2}, {0, 0, 0, 0}, {1, 4, 4, 2}, {1, 2, 2, 1}, {1, 2, 2, 2});
  RunResult r = RunModel(bytes, {x}, 1, true);
  REQUIRE(r.status.ok());
  CHECK(r.outputs[0] == std::vector<float>{0, 1, 4, 5, 16, 17, 20, 21});
}

TEST_CASE("Slice rejects a zero step and negative starts") {
  std::shared_ptr<const Model> model;
  CHECK_FALSE(LoadModel(SliceModel({8}, {0}, {8}, {0}, {8}), &model).ok());
  CHECK_FALSE(LoadModel(SliceModel({8}, {-1}, {8}, {1}, {9}), &model).ok());
  CHECK_FALSE(LoadModel(SliceModel({8, 2}, {0}, {8}, {1}, {8, 2}), &model).ok());
}

}  // namespace
}  // namespace frost::testing
