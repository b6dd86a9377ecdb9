#include "op_test_util.hpp"

namespace frost::testing {
namespace {

TEST_CASE("Transpose by hand") {
  ModelBuilder b;
  int x = b.Input("x", {2, 3});
  const std::vector<int32_t> perm = {1, 0};
  b.Output(b.AddOp("t", schema::CreateTransposeDirect(b.fbb(), &perm), {x}, {3, 2}));
  b.SetBatchPolymorphic(false);
  for (bool reference : {true, false}) {
    RunResult r = RunModel(b.Finish(), {{1, 2, 3, 4, 5, 6}}, 2, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{1, 4, 2, 5, 3, 6});
  }
}

TEST_CASE("Transpose NHWC to NCHW and back is the identity") {
  ModelBuilder b;
  int x = b.Input("x", {2, 3, 4, 5});
  const std::vector<int32_t> to_nchw = {0, 3, 1, 2}, to_nhwc = {0, 2, 3, 1};
  int y = b.AddOp("t1", schema::CreateTransposeDirect(b.fbb(), &to_nchw), {x}, {2, 5, 3, 4});
  int z = b.AddOp("t2", schema::CreateTransposeDirect(b.fbb(), &to_nhwc), {y}, {2, 3, 4, 5});
  b.Output(y);
  b.Output(z);
  const std::vector<float> in = Random(120, 1);
  RunResult r = RunModel(b.Finish(), {in}, 2, false);
  REQUIRE_MESSAGE(r.status.ok(), r.status.message());
  CHECK(r.outputs[1] == in);
  // y[n, c, h, w] == x[n, h, w, c]
  CHECK(r.outputs[0][((1 * 5 + 4) * 3 + 2) * 4 + 3] == in[((1 * 3 + 2) * 4 + 3) * 5 + 4]);
}

TEST_CASE("Transpose rejects a perm that is not a permutation") {
  ModelBuilder b;
  int x = b.Input("x", {2, 3});
  const std::vector<int32_t> perm = {1, 1};
  b.Output(b.AddOp("t", schema::CreateTransposeDirect(b.fbb(), &perm), {x}, {3, 3}));
  std::shared_ptr<const Model> model;
  CHECK_FALSE(LoadModel(b.Finish(), &model).ok());
}

}  // namespace
}  // namespace frost::testing
