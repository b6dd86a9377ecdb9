#include "op_test_util.hpp"

namespace frost::testing {
namespace {

ModelBytes FcModel(int64_t n, int64_t k, int64_t o, const std::vector<float>& w,
                   const std::vector<float>* bias,
                   schema::FusedActivation fused = schema::FusedActivation::NONE, float lo = 0,
                   float hi = 0) {
  ModelBuilder b;
  int x = b.Input("x", {n, k});
  int wt = b.Constant("w", {o, k}, w);
  std::vector<int> inputs = {x, wt};
  if (bias) inputs.push_back(b.Constant("b", {o}, *bias));
  auto options = schema::CreateFullyConnected(b.fbb(), MakeFused(b.fbb(), fused, lo, hi));
  b.Output(b.AddOp("fc", options, inputs, {n, o}));
  return b.Finish();
}

TEST_CASE("FullyConnected by hand") {
  const std::vector<float> bias = {0.5f, -0.5f};
  ModelBytes bytes = FcModel(2, 2, 2, {1, 2, 3, 4}, &bias);
  for (bool reference : {true, false}) {
    RunResult r = RunModel(bytes, {{1, 2, -1, 0}}, 2, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    // [1, 2]: 1 + 4 + 0.5, 3 + 8 - 0.5; [-1, 0]: -1 + 0.5, -3 - 0.5
    CHECK(r.outputs[0] == std::vector<float>{5.5f, 10.5f, -0.5f, -3.5f});
  }
}

TEST_CASE("FullyConnected fast path matches the reference") {
  using F = schema::FusedActivation;
  const std::vector<float> bias = Random(10, 1);
  ExpectEveryConvKernelMatchesReference(FcModel(1, 64, 10, Random(640, 2), &bias),
                                        {Random(64, 3)}, 1);
  ExpectEveryConvKernelMatchesReference(FcModel(5, 37, 10, Random(370, 4), nullptr),
                                        {Random(185, 5)}, 5);
  ExpectEveryConvKernelMatchesReference(FcModel(3, 33, 10, Random(330, 6), &bias, F::RELU),
                                        {Random(99, 7)}, 3);
  ExpectEveryConvKernelMatchesReference(
      FcModel(2, 16, 10, Random(160, 8), &bias, F::CLIP, -0.5f, 0.25f), {Random(32, 9)}, 2);
  // Past the GEMM's blocking: k over three 256 blocks, 100 outputs in 4 panels, 11 rows.
  const std::vector<float> bias100 = Random(100, 10);
  ExpectEveryConvKernelMatchesReference(FcModel(11, 700, 100, Random(70000, 11), &bias100),
                                        {Random(7700, 12)}, 11, 2e-5f);
}

}  // namespace
}  // namespace frost::testing
