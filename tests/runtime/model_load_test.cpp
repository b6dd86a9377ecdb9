#include <unistd.h>

#include "test_models.hpp"

namespace frost::testing {
namespace {

TEST_CASE("Model::Load maps a file and exposes its metadata") {
  const std::string path = std::string(FROST_BINARY_DIR) + "/tiny_cnn_load_test.frost";
  ModelBytes bytes = TinyCnn();
  REQUIRE(bytes.WriteFile(path));
  std::shared_ptr<const Model> model;
  Status s = Model::Load(path, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  unlink(path.c_str());  // the mapping stays valid
  CHECK(model->path() == path);
  CHECK(model->file_size() == bytes.size());
  REQUIRE(model->inputs().size() == 1);
  CHECK(model->inputs()[0].name == "input");
  CHECK(model->inputs()[0].shape == std::vector<int64_t>{1, 3, 8, 8});
  REQUIRE(model->outputs().size() == 1);
  CHECK(model->outputs()[0].name == "probs");
  CHECK(model->outputs()[0].shape == std::vector<int64_t>{1, 5});
  CHECK(model->feature_tensor() == "features");
  CHECK(model->labels() == std::vector<std::string>{"a", "b", "c", "d", "e"});
  CHECK(model->batch_polymorphic());
  CHECK(model->preprocessing().bgr);
  CHECK(model->preprocessing().crop_fraction == 0.875f);
  CHECK(model->preprocessing().mean == std::vector<float>{0.5f, 0.5f, 0.5f});
  CHECK(model->preprocessing().std == std::vector<float>{0.25f, 0.25f, 0.25f});
  CHECK(model->flatbuffer()->version() == kSchemaVersion);
  // Zero copies: the weights are read where the file lies.
  CHECK(model->data_segment() == model->file_bytes() + bytes.data_segment_offset());
  CHECK(std::memcmp(model->file_bytes(), bytes.data(), bytes.size()) == 0);
  // And it runs.
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(model, {}, &session).ok());
  std::vector<float> out(5);
  REQUIRE(session->Run(Random(kTinyCnnInput, 1).data(), 1, out.data()).ok());
  float sum = 0;
  for (float v : out) sum += v;
  CHECK(sum == doctest::Approx(1.0f));
}

TEST_CASE("Model::Stats counts ops, parameters, FLOPs and memory") {
  ModelBytes bytes = TinyCnn();
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(bytes, &model).ok());
  ModelStats stats = model->Stats();
  CHECK(stats.num_ops == 9);
  const std::vector<std::pair<std::string, size_t>> counts = {
      {"Transpose", 1},  {"Conv2D", 2},  {"Pool2D", 1},         {"Binary", 1},
      {"GlobalPool", 1}, {"Reshape", 1}, {"FullyConnected", 1}, {"Softmax", 1}};
  CHECK(stats.op_counts == counts);
  CHECK(stats.num_params == 8 * 27 + 8 + 8 * 72 + 40 + 5);
  CHECK(stats.weight_bytes == 4 * stats.num_params);
  CHECK(stats.file_bytes == bytes.size());
  // conv1: 2 * 64 pixels * 8 outputs * 27; conv2: 2 * 16 * 8 * 72; fc: 2 * 5 * 8; pool:
  // 16 * 8 * 4; add: 128; gap: 128; softmax: 3 * 5.
  const double flops =
      2.0 * 64 * 8 * 27 + 2.0 * 16 * 8 * 72 + 2.0 * 5 * 8 + 16 * 8 * 4 + 128 + 128 + 15;
  CHECK(stats.flops == doctest::Approx(flops));
  // Live at once at most: conv1's input (192 floats) and output (512 floats), 64-aligned.
  CHECK(stats.arena_bytes >= (192 + 512) * 4);
  CHECK(stats.arena_bytes < (192 + 512 + 192 + 128 * 3 + 8 + 8 + 5 + 5) * 4);
}

TEST_CASE("Model::Stats gives FLOPs per sample for a model with a fixed batch of 3") {
  ModelBuilder b;
  b.SetBatchPolymorphic(false);
  const int x = b.Input("x", {3, 4});
  const int w = b.Constant("w", {5, 4}, std::vector<float>(20, 1.0f));
  auto fused = schema::CreateFused(b.fbb(), schema::FusedActivation::NONE, 0, 0);
  b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb(), fused), {x, w}, {3, 5}));
  ModelBytes bytes = b.Finish();
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(bytes, &model).ok());
  const ModelStats stats = model->Stats();
  CHECK(stats.batch == 3);
  CHECK(stats.flops == doctest::Approx(2.0 * 5 * 4));  // per sample, not for all 3
}

TEST_CASE("Model::Load and FromBytes report unusable input") {
  std::shared_ptr<const Model> model;
  Status missing = Model::Load("/nonexistent/model.frost", &model);
  CHECK_FALSE(missing.ok());
  CHECK(missing.message().find("/nonexistent/model.frost") != std::string::npos);
  Status dir = Model::Load("/tmp", &model);
  CHECK_FALSE(dir.ok());
  ModelBytes bytes = TinyCnn();
  ModelBytes shifted(bytes.size() + 4);
  std::memcpy(shifted.data() + 4, bytes.data(), bytes.size());
  Status misaligned = Model::FromBytes(shifted.data() + 4, bytes.size(), &model);
  CHECK_FALSE(misaligned.ok());
  CHECK(misaligned.message().find("aligned") != std::string::npos);
  CHECK_FALSE(Model::FromBytes(nullptr, 0, &model).ok());
  CHECK(!model);
}

TEST_CASE("A model whose stored batch is not 1 and that is not batch polymorphic") {
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(TinyCnn(2, false), &model).ok());
  CHECK_FALSE(model->batch_polymorphic());
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(model, {}, &session).ok());
  std::vector<float> in = Random(2 * kTinyCnnInput, 3), out(10);
  CHECK(session->Run(in.data(), 2, out.data()).ok());
  Status s = session->Run(in.data(), 1, out.data());
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("only at batch 2") != std::string::npos);
  CHECK(session->OutputElements(0, 1) == 0);
  CHECK(session->OutputElements(0, 2) == 10);
  // Stats are computed at the batch it runs.
  CHECK(model->Stats().flops > 0);
}

}  // namespace
}  // namespace frost::testing
