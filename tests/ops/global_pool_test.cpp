#include "op_test_util.hpp"

namespace frost::testing {
namespace {

ModelBytes GlobalPoolModel(schema::PoolKind kind, int64_t n, int64_t h, int64_t w, int64_t c) {
  ModelBuilder b;
  int x = b.Input("x", {n, h, w, c});
  b.Output(b.AddOp("gp", schema::CreateGlobalPool(b.fbb(), kind), {x}, {n, 1, 1, c}));
  return b.Finish();
}

TEST_CASE("GlobalPool by hand") {
  // 2x2 image, 2 channels (NHWC): channel 0 = 1, 2, 3, 4; channel 1 = -1, 5, 0, 2.
  const std::vector<float> x = {1, -1, 2, 5, 3, 0, 4, 2};
  for (bool reference : {true, false}) {
    RunResult avg =
        RunModel(GlobalPoolModel(schema::PoolKind::AVERAGE, 1, 2, 2, 2), {x}, 1, reference);
    REQUIRE_MESSAGE(avg.status.ok(), avg.status.message());
    CHECK(avg.outputs[0] == std::vector<float>{2.5f, 1.5f});
    RunResult max =
        RunModel(GlobalPoolModel(schema::PoolKind::MAXIMUM, 1, 2, 2, 2), {x}, 1, reference);
    REQUIRE_MESSAGE(max.status.ok(), max.status.message());
    CHECK(max.outputs[0] == std::vector<float>{4, 5});
  }
}

TEST_CASE("GlobalPool fast path matches the reference") {
  ExpectFastMatchesReference(GlobalPoolModel(schema::PoolKind::AVERAGE, 3, 7, 5, 19),
                             {Random(3 * 7 * 5 * 19, 1)}, 3);
  ExpectFastMatchesReference(GlobalPoolModel(schema::PoolKind::AVERAGE, 1, 1, 1, 64),
                             {Random(64, 2)}, 1);
  ExpectFastMatchesReference(GlobalPoolModel(schema::PoolKind::MAXIMUM, 2, 4, 3, 5),
                             {Random(2 * 4 * 3 * 5, 3)}, 2, "reference");
}

}  // namespace
}  // namespace frost::testing
