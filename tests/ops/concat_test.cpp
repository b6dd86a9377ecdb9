#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using Shape = std::vector<int64_t>;

TEST_CASE("Concat by hand") {
  ModelBuilder b;
  b.SetBatchPolymorphic(false);  // the constant has a fixed dim 0
  int x = b.Input("x", {2, 2});
  int c = b.Constant("c", {2, 1}, {9, 8});
  b.Output(b.AddOp("concat", schema::CreateConcat(b.fbb(), 1), {x, c, x}, {2, 5}));
  ModelBytes bytes = b.Finish();
  for (bool reference : {true, false}) {
    RunResult r = RunModel(bytes, {{1, 2, 3, 4}}, 2, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{1, 2, 9, 1, 2, 3, 4, 8, 3, 4});
  }
}

TEST_CASE("Concat fast path matches the reference on every axis") {
  const Shape base = {2, 3, 4, 5};
  for (int axis = -4; axis < 4; ++axis) {
    CAPTURE(axis);
    const int a = axis < 0 ? axis + 4 : axis;
    Shape s1 = base, s2 = base, s3 = base, out = base;
    s2[a] = 1;
    s3[a] = 3;
    out[a] = base[a] + 1 + 3;
    ModelBuilder b;
    b.SetBatchPolymorphic(false);  // the constant input has a fixed dim 0
    int x1 = b.Input("x1", s1);
    int x2 = b.Input("x2", s2);
    int x3 = b.Constant("x3", s3, Random(Count(s3), 3));
    b.Output(b.AddOp("concat", schema::CreateConcat(b.fbb(), axis), {x1, x2, x3}, out));
    ExpectFastMatchesReference(b.Finish(), {Random(Count(s1), 1), Random(Count(s2), 2)}, s1[0]);
  }
}

TEST_CASE("Concat rejects mismatched dims") {
  ModelBuilder b;
  int x = b.Input("x", {2, 2});
  int y = b.Constant("y", {3, 1}, {1, 2, 3});
  b.Output(b.AddOp("concat", schema::CreateConcat(b.fbb(), 1), {x, y}, {2, 3}));
  std::shared_ptr<const Model> model;
  Status s = LoadModel(b.Finish(), &model);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("does not match") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
