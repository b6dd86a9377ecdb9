// Small models for the runtime tests, built with ModelBuilder.
#pragma once

#include "model_builder.hpp"
#include "ops/op_test_util.hpp"

namespace frost::testing {

inline std::shared_ptr<const Model> Load(const ModelBytes& bytes) {
  std::shared_ptr<const Model> model;
  Status s = LoadModel(bytes, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return model;
}

inline std::unique_ptr<Session> NewSession(std::shared_ptr<const Model> model,
                                           SessionOptions options = {}) {
  std::unique_ptr<Session> session;
  Status s = Session::Create(model, options, &session);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return session;
}

// The first output of running `in` (`batch` samples).
inline std::vector<float> RunBatch(Session& session, const std::vector<float>& in, int64_t batch) {
  std::vector<float> out(session.OutputElements(0, batch));
  Status s = session.Run(in.data(), batch, out.data());
  REQUIRE_MESSAGE(s.ok(), s.message());
  return out;
}

// A tiny residual CNN as the converter would write it: NCHW input [N, 3, 8, 8] transposed to
// NHWC, conv 3x3 + ReLU, max pool, conv 3x3 + residual add + ReLU, global average pool,
// reshape [0, -1] (the feature tensor "features", [N, 8]), fully connected to 5 classes, softmax.
// `fp16_weights`: the conv and FC weights stored as FLOAT16 (as `frost convert --fp16` does).
inline ModelBytes TinyCnn(int64_t batch = 1, bool batch_polymorphic = true,
                          bool fp16_weights = false) {
  using schema::Layout;
  ModelBuilder b;
  auto weight = [&](const std::string& name, ModelBuilder::Shape shape, std::vector<float> v) {
    return fp16_weights ? b.ConstantHalf(name, shape, v) : b.Constant(name, shape, v);
  };
  b.SetBatchPolymorphic(batch_polymorphic);
  int x = b.Input("input", {batch, 3, 8, 8});
  const std::vector<int32_t> to_nhwc = {0, 2, 3, 1};
  int xt = b.AddOp("to_nhwc", schema::CreateTransposeDirect(b.fbb(), &to_nhwc), {x},
                   {batch, 8, 8, 3}, Layout::NHWC);
  int w1 = weight("conv1.weight", {8, 3, 3, 3}, Random(8 * 27, 11, -0.5f, 0.5f));
  int b1 = b.Constant("conv1.bias", {8}, Random(8, 12, -0.1f, 0.1f));
  auto relu = [&] { return schema::CreateFused(b.fbb(), schema::FusedActivation::RELU); };
  int c1 = b.AddOp("conv1", schema::CreateConv2D(b.fbb(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, relu()),
                   {xt, w1, b1}, {batch, 8, 8, 8}, Layout::NHWC);
  int p1 = b.AddOp("pool1", schema::CreatePool2D(b.fbb(), schema::PoolKind::MAXIMUM, 2, 2, 2, 2),
                   {c1}, {batch, 4, 4, 8}, Layout::NHWC);
  int w2 = weight("conv2.weight", {8, 3, 3, 8}, Random(8 * 72, 13, -0.3f, 0.3f));
  int c2 = b.AddOp("conv2", schema::CreateConv2D(b.fbb(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
                   {p1, w2, -1}, {batch, 4, 4, 8}, Layout::NHWC);
  int add = b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD, relu()), {c2, p1},
                    {batch, 4, 4, 8}, Layout::NHWC);
  int gp = b.AddOp("gap", schema::CreateGlobalPool(b.fbb()), {add}, {batch, 1, 1, 8}, Layout::NHWC);
  const std::vector<int64_t> flat = {0, -1};
  int features = b.AddOp("features", schema::CreateReshapeDirect(b.fbb(), &flat), {gp}, {batch, 8});
  int fw = weight("fc.weight", {5, 8}, Random(40, 14));
  int fb = b.Constant("fc.bias", {5}, Random(5, 15));
  int logits = b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {features, fw, fb}, {batch, 5});
  int probs = b.AddOp("probs", schema::CreateSoftmax(b.fbb()), {logits}, {batch, 5});
  b.Output(probs);
  b.SetFeatureTensor(features);
  b.SetLabels({"a", "b", "c", "d", "e"});
  b.SetPreprocessing(1.0f / 255, {0.5f, 0.5f, 0.5f}, {0.25f, 0.25f, 0.25f}, true, 0.875f);
  return b.Finish();
}

inline constexpr size_t kTinyCnnInput = 3 * 8 * 8;

// One of every op type the CNN above lacks, chained: x [1, 2, 4, 4] -> Pad -> Slice ->
// Concat(constant) -> Unary(TANH) -> Pool2D(avg) -> Reshape [0, -1] -> MatMul(constant)
// -> Binary(POW, constant) -> Softmax(log).
inline ModelBytes AllOps() {
  using schema::Layout;
  ModelBuilder b;
  int x = b.Input("x", {1, 2, 4, 4});
  const std::vector<int64_t> pads = {0, 1, 1, 0, 0, 1, 1, 0};
  int p = b.AddOp("pad", schema::CreatePadDirect(b.fbb(), &pads, schema::PadMode::REFLECT), {x},
                  {1, 4, 6, 4});
  const std::vector<int64_t> starts = {0, 3, 5, 0}, ends = {1, 0, 0, 4}, steps = {1, -1, -2, 1};
  int s = b.AddOp("slice", schema::CreateSliceDirect(b.fbb(), &starts, &ends, &steps), {p},
                  {1, 3, 3, 4});
  int c = b.Constant("c", {1, 3, 3, 2}, Random(18, 21));
  int cat = b.AddOp("concat", schema::CreateConcat(b.fbb(), 3), {s, c}, {1, 3, 3, 6});
  int t =
      b.AddOp("tanh", schema::CreateUnary(b.fbb(), schema::UnaryKind::TANH), {cat}, {1, 3, 3, 6});
  int pool = b.AddOp(
      "pool",
      schema::CreatePool2D(b.fbb(), schema::PoolKind::AVERAGE, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0), {t},
      {1, 2, 2, 6}, Layout::NHWC);
  const std::vector<int64_t> flat = {0, -1};
  int r = b.AddOp("flat", schema::CreateReshapeDirect(b.fbb(), &flat), {pool}, {1, 24});
  int w = b.Constant("w", {24, 3}, Random(72, 22));
  int mm = b.AddOp("matmul", schema::CreateMatMul(b.fbb()), {r, w}, {1, 3});
  int e = b.Constant("e", {3}, {1, 2, 1});
  int pw = b.AddOp("pow", schema::CreateBinary(b.fbb(), schema::BinaryKind::POW), {mm, e}, {1, 3});
  const std::vector<int32_t> perm = {1, 0};
  int tr = b.AddOp("transpose", schema::CreateTransposeDirect(b.fbb(), &perm), {pw}, {3, 1});
  int gp_in = b.AddOp("as4d", schema::CreateReshapeDirect(b.fbb(), &flat), {tr}, {3, 1});
  b.Output(b.AddOp("logsoftmax", schema::CreateSoftmax(b.fbb(), -1, true), {pw}, {1, 3}));
  b.Output(gp_in);
  b.SetBatchPolymorphic(false);
  return b.Finish();
}

}  // namespace frost::testing
