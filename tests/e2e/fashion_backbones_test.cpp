// The embedded Fashion-MNIST backbones (models/): converted with the preprocessing they
// were trained with, frost reaches PyTorch's recorded test accuracy on the five
// pretraining classes, image for image.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "frost/convert.hpp"
#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "frost/frost.hpp"

namespace fs = std::filesystem;

TEST_CASE("fashion backbones reach PyTorch's accuracy") {
  const fs::path models = fs::path(FROST_SOURCE_DIR) / "models";
  const std::string fm = "/usr/share/datasets/fashion-mnist/";
  REQUIRE_MESSAGE(fs::exists(fm + "t10k-images-idx3-ubyte.gz"),
                  "install Debian's dataset-fashion-mnist");
  std::ifstream json_file(models / "fashion_backbones.json");
  nlohmann::json facts = nlohmann::json::parse(json_file);
  for (std::string net : {"resnet", "vgg"}) {
    CAPTURE(net);
    frost::ConvertOptions options;
    options.input_path = (models / ("fashion_" + net + ".onnx")).string();
    options.output_path = (fs::temp_directory_path() / ("fashion_" + net + ".test.frost")).string();
    options.scale = facts["preprocessing"]["scale"].get<float>();
    options.mean = facts["preprocessing"]["mean"].get<std::vector<float>>();
    options.std = facts["preprocessing"]["std"].get<std::vector<float>>();
    options.labels_path = (models / "fashion_labels.txt").string();
    frost::Status s = frost::Convert(options);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::shared_ptr<const frost::Model> model;
    REQUIRE(frost::Model::Load(options.output_path, &model).ok());
    CHECK(model->feature_tensor() == "/Flatten_output_0");
    CHECK(model->labels().size() == 5);

    frost::data::InputSpec spec;
    REQUIRE(frost::data::InputSpecOf(*model, &spec).ok());
    std::unique_ptr<frost::data::Dataset> all;
    s = frost::data::Open("idx:" + fm + "t10k-images-idx3-ubyte.gz," + fm + "t10k-labels-idx1-ubyte.gz",
                          spec, &all);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::unique_ptr<frost::data::Dataset> five;
    REQUIRE(frost::data::FilterClasses(std::move(all), {0, 1, 2, 3, 4}, &five).ok());
    REQUIRE(five->size() == 5000);
    std::unique_ptr<frost::Session> session;
    REQUIRE(frost::Session::Create(model, {.threads = 0}, &session).ok());
    frost::DatasetOutputs outputs;
    REQUIRE(frost::RunDataset(*session, *model, *five, 100, &outputs).ok());
    std::vector<int> labels(five->size());
    for (size_t i = 0; i < labels.size(); ++i) labels[i] = five->label(i);
    frost::Metrics metrics;
    REQUIRE(frost::ComputeMetrics(outputs, labels, &metrics).ok());
    double expected = facts["models"][net]["test_accuracy_percent"].get<double>();
    MESSAGE("fashion_" << net << ": frost " << metrics.accuracy * 100 << " %, PyTorch " << expected << " %");
    CHECK(std::abs(metrics.accuracy * 100 - expected) < 0.005 + 1e-9);
    fs::remove(options.output_path);
  }
}
