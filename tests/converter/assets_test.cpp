// The real pretrained models in ../shared/assets/models (label "assets"): every one must
// convert with all exporter glue folded away, run, and run the same at batch 1 and 3.
// (Accuracy against the README's onnxruntime figures is the e2e tests' job.)
#include <filesystem>

#include "convert_test_util.hpp"

namespace frost::testing {
namespace {

std::vector<std::string> AssetModels() {
  std::vector<std::string> paths;
  const std::filesystem::path dir = std::filesystem::path(FROST_ASSETS_DIR) / "models";
  if (!std::filesystem::exists(dir)) return paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".onnx") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST_CASE("every asset model converts, folds its glue and runs at any batch") {
  const std::vector<std::string> models = AssetModels();
  REQUIRE_MESSAGE(!models.empty(), "no models under " FROST_ASSETS_DIR "/models");
  for (const std::string& onnx : models) {
    CAPTURE(onnx);
    TempDir dir;
    ConvertOptions options;
    options.input_path = onnx;
    options.output_path = dir.File("model.frost");
    ConvertReport report;
    Status s = frost::Convert(options, &report);
    REQUIRE_MESSAGE(s.ok(), s.message());
    for (const std::string& line : report.log) MESSAGE(line);
    std::shared_ptr<const Model> model;
    REQUIRE(Model::Load(options.output_path, &model).ok());
    CHECK(model->batch_polymorphic());
    CHECK(model->feature_tensor() != "");
    const auto counts = OpCounts(*model);
    // Only real layers are left: convolutions, the shortcut's Slice/Pad, adds, pooling, head.
    for (const auto& [op, count] : counts) {
      CAPTURE(op);
      const bool expected = op == "Conv2D" || op == "Binary" || op == "Pool2D" ||
                            op == "GlobalPool" || op == "FullyConnected" || op == "Slice" ||
                            op == "Pad" || op == "Softmax" || op == "Reshape" || op == "Transpose";
      CHECK(expected);
    }
    CHECK(counts.at("Transpose") == 1);  // only the NCHW input into the first convolution
    // The same three samples give the same outputs one by one and as one batch of 3.
    const int64_t sample = 3 * 32 * 32;
    const std::vector<float> input = Random(3 * sample, 42, 0.f, 1.f);
    const std::vector<float> batched = Run(model, input, 3);
    const size_t classes = batched.size() / 3;
    CHECK(classes == 10);
    for (int i = 0; i < 3; ++i) {
      const std::vector<float> one(input.begin() + i * sample, input.begin() + (i + 1) * sample);
      const std::vector<float> single = Run(model, one, 1);
      ExpectClose(
          single,
          std::vector<float>(batched.begin() + i * classes, batched.begin() + (i + 1) * classes),
          1e-5f);
    }
  }
}

}  // namespace
}  // namespace frost::testing
