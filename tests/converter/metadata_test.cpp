// What the file records besides the graph: preprocessing (defaults and options), labels,
// source and producer, the head boundary (feature tensor), and the report.
#include <fstream>

#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

// x [1, C, 4, 4] -> Conv 1x1 (4 channels) -> GlobalAveragePool -> Flatten
//   -> Gemm(4 -> 6) -> Relu -> Dropout -> Gemm(6 -> 5) -> Relu -> Gemm(5 -> 3) -> Softmax
OnnxBuilder Classifier(int64_t channels) {
  OnnxBuilder b(13);
  b.Input("x", {1, channels, 4, 4});
  b.Initializer("w", {4, channels, 1, 1}, Random(4 * channels, 1));
  b.Node("Conv", {"x", "w"}, {"conv"});
  b.Node("GlobalAveragePool", {"conv"}, {"pool"});
  b.Node("Flatten", {"pool"}, {"flat"});
  b.Initializer("w1", {6, 4}, Random(24, 2)).Initializer("w2", {5, 6}, Random(30, 3));
  b.Initializer("w3", {3, 5}, Random(15, 4));
  b.Node("Gemm", {"flat", "w1"}, {"fc1"}).Int("transB", 1);
  b.Node("Relu", {"fc1"}, {"r1"});
  b.Node("Dropout", {"r1"}, {"d1"});
  b.Node("Gemm", {"d1", "w2"}, {"fc2"}).Int("transB", 1);
  b.Node("Relu", {"fc2"}, {"r2"});
  b.Node("Gemm", {"r2", "w3"}, {"fc3"}).Int("transB", 1);
  b.Node("Softmax", {"fc3"}, {"probs"});
  b.Output("probs");
  return b;
}

TEST_CASE("defaults: scale 1/255, ImageNet mean/std, RGB, no crop, source and producer") {
  TempDir dir;
  OnnxBuilder b = Classifier(3);
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  const Preprocessing& p = m.model->preprocessing();
  CHECK(p.scale == doctest::Approx(1.0 / 255.0));
  CHECK(p.mean == std::vector<float>{0.485f, 0.456f, 0.406f});
  CHECK(p.std == std::vector<float>{0.229f, 0.224f, 0.225f});
  CHECK_FALSE(p.bgr);
  CHECK(p.crop_fraction == 1.0f);
  CHECK(m.model->labels().empty());
  CHECK(m.model->flatbuffer()->source()->str() == "model.onnx");
  CHECK(m.model->flatbuffer()->producer()->str() == std::string("frost-convert ") + Version());
  CHECK(m.model->flatbuffer()->version() == kSchemaVersion);
  CHECK(m.report.num_ops == static_cast<size_t>(NumOps(*m.model)));
  CHECK(m.report.num_params == 4 * 3 + 24 + 30 + 15);
}

TEST_CASE("preprocessing options and labels (CRLF, trailing newline) are recorded") {
  TempDir dir;
  OnnxBuilder b = Classifier(3);
  const std::string labels = dir.File("labels.txt");
  { std::ofstream(labels, std::ios::binary) << "cat\r\ndog\r\nbird\r\n\r\n"; }
  ConvertOptions options;
  options.scale = 1.0f;
  options.mean = std::vector<float>{1, 2, 3};
  options.std = std::vector<float>{4, 5, 6};
  options.bgr = true;
  options.crop_fraction = 0.875f;
  options.labels_path = labels;
  Converted m = Convert(b, dir, options);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  const Preprocessing& p = m.model->preprocessing();
  CHECK(p.scale == 1.0f);
  CHECK(p.mean == std::vector<float>{1, 2, 3});
  CHECK(p.std == std::vector<float>{4, 5, 6});
  CHECK(p.bgr);
  CHECK(p.crop_fraction == 0.875f);
  CHECK(m.model->labels() == std::vector<std::string>{"cat", "dog", "bird"});
}

TEST_CASE("preprocessing values are checked against the input's channels") {
  TempDir dir;
  OnnxBuilder b = Classifier(1);
  SUBCASE("defaults for one channel: mean 0, std 1, with a note") {
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(m.model->preprocessing().mean == std::vector<float>{0.f});
    CHECK(m.model->preprocessing().std == std::vector<float>{1.f});
    bool noted = false;
    for (const auto& line : m.report.log)
      noted = noted || line.find("1 channels") != std::string::npos;
    CHECK(noted);
  }
  SUBCASE("three means for one channel") {
    ConvertOptions options;
    options.mean = std::vector<float>{0.5f, 0.5f, 0.5f};
    Converted m = Convert(b, dir, options);
    CHECK(m.status.message().find("--mean has 3 values but the model input has 1 channels") !=
          std::string::npos);
  }
  SUBCASE("one value applies to every channel") {
    OnnxBuilder rgb = Classifier(3);
    ConvertOptions options;
    options.mean = std::vector<float>{0.5f};
    options.std = std::vector<float>{2.f};
    Converted m = Convert(rgb, dir, options);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(m.model->preprocessing().mean == std::vector<float>{0.5f, 0.5f, 0.5f});
    CHECK(m.model->preprocessing().std == std::vector<float>{2.f, 2.f, 2.f});
  }
  SUBCASE("a zero std") {
    ConvertOptions options;
    options.std = std::vector<float>{0.f};
    CHECK_FALSE(Convert(b, dir, options).status.ok());
  }
}

TEST_CASE("the feature tensor is the input of the last FullyConnected layer") {
  TempDir dir;
  OnnxBuilder b = Classifier(3);
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->feature_tensor() == "r2");
  // Relu fused into the second FullyConnected, which now writes "r2" itself.
  CHECK(OpCount(*m.model, "Unary") == 0);
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(m.model, {}, &session).ok());
  CHECK(session->TensorShape("r2", 1) == std::vector<int64_t>{1, 5});
}

TEST_CASE("--feature-tensor picks any tensor by its ONNX name, read in the logical layout") {
  TempDir dir;
  OnnxBuilder b = Classifier(3);
  ConvertOptions options;
  options.feature_tensor = "conv";
  Converted m = Convert(b, dir, options);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->feature_tensor() == "conv");
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(m.model, {}, &session).ok());
  REQUIRE(session->TensorShape("conv", 1) == std::vector<int64_t>{1, 4, 4, 4});
  const std::vector<float> x = Random(48, 5);
  std::vector<float> features(64);
  REQUIRE(session->RunTo(x.data(), 1, "conv", features.data()).ok());
  ExpectClose(features, RefConv2D(x, 1, 3, 4, 4, Random(12, 1), 4, 1, 1, {}, {}), 1e-5f);
}

TEST_CASE("a feature tensor removed with a Dropout keeps its name") {
  TempDir dir;
  OnnxBuilder b = Classifier(3);
  ConvertOptions options;
  options.feature_tensor = "d1";
  Converted m = Convert(b, dir, options);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->feature_tensor() == "d1");
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(m.model, {}, &session).ok());
  CHECK(session->TensorShape("d1", 1) == std::vector<int64_t>{1, 6});
}

}  // namespace
}  // namespace frost::testing
