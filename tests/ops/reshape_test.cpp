#include "op_test_util.hpp"

namespace frost::testing {
namespace {

TEST_CASE("Reshape copies 0 dims and infers -1, at any batch") {
  ModelBuilder b;
  int x = b.Input("x", {1, 2, 3, 4});
  const std::vector<int64_t> target = {0, -1, 4};
  int y = b.AddOp("reshape", schema::CreateReshapeDirect(b.fbb(), &target), {x}, {1, 6, 4});
  b.Output(y);
  ModelBytes bytes = b.Finish();
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(bytes, &model).ok());
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(model, {}, &session).ok());
  CHECK(session->OutputShape(0, 3) == std::vector<int64_t>{3, 6, 4});
  const std::vector<float> in = Random(3 * 24, 1);
  std::vector<float> out(session->OutputElements(0, 3));
  REQUIRE(session->Run(in.data(), 3, out.data()).ok());
  CHECK(out == in);
}

TEST_CASE("Reshape of a constant and chained reshapes") {
  // x + reshape(c): the constant [6] viewed as [2, 3]; then y reshaped twice to [6].
  ModelBuilder b;
  int x = b.Input("x", {2, 3});
  int c = b.Constant("c", {6}, {1, 2, 3, 4, 5, 6});
  const std::vector<int64_t> to_2x3 = {2, 3}, to_6 = {6}, to_3x2 = {3, 2};
  int c2 = b.AddOp("rc", schema::CreateReshapeDirect(b.fbb(), &to_2x3), {c}, {2, 3});
  int y = b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD), {x, c2}, {2, 3});
  int y1 = b.AddOp("r1", schema::CreateReshapeDirect(b.fbb(), &to_3x2), {y}, {3, 2});
  int y2 = b.AddOp("r2", schema::CreateReshapeDirect(b.fbb(), &to_6), {y1}, {6});
  b.Output(y2);
  b.Output(c2);
  b.SetBatchPolymorphic(false);
  for (bool reference : {true, false}) {
    RunResult r = RunModel(b.Finish(), {{10, 20, 30, 40, 50, 60}}, 2, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{11, 22, 33, 44, 55, 66});
    CHECK(r.outputs[1] == std::vector<float>{1, 2, 3, 4, 5, 6});
  }
}

TEST_CASE("Reshape rejects impossible targets") {
  auto load = [](std::vector<int64_t> target, std::vector<int64_t> stored) {
    ModelBuilder b;
    int x = b.Input("x", {2, 3});
    b.Output(b.AddOp("r", schema::CreateReshapeDirect(b.fbb(), &target), {x}, stored));
    std::shared_ptr<const Model> model;
    return LoadModel(b.Finish(), &model);
  };
  CHECK(load({0, 3}, {2, 3}).ok());
  CHECK_FALSE(load({4, -1}, {4, 1}).ok());
  CHECK_FALSE(load({-1, -1}, {2, 3}).ok());
  CHECK_FALSE(load({0, 0, 0}, {2, 3, 1}).ok());  // 0 past the input's rank
  CHECK_FALSE(load({2, -2}, {2, 3}).ok());
  Status s = load({0, 3}, {3, 2});  // stored shape disagrees with inference
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("stored as [3, 2]") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
