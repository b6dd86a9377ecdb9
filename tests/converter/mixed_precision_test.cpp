// --quantize int8's automatic mixed precision (quantize/mixed_precision.hpp): the choice on
// made-up measurements, and a small network in which one op's int8 version is ruined by an
// outlier weight, which must stay float.
#include <algorithm>

#include "convert_test_util.hpp"
#include "frost/io/npy.hpp"
#include "quantize/mixed_precision.hpp"

namespace frost::testing {
namespace {

// Outputs of 10 samples x 3 classes; sample i's top-1 is class 0, or 1 where `flipped`.
DatasetOutputs Outputs(const std::vector<bool>& flipped, float noise) {
  DatasetOutputs out;
  out.samples = 10;
  out.per_sample = 3;
  for (size_t i = 0; i < 10; ++i) {
    out.values.push_back(flipped[i] ? 0.0f : 1.0f + noise);
    out.values.push_back(flipped[i] ? 1.0f : 0.0f);
    out.values.push_back(0.0f);
  }
  return out;
}

TEST_CASE("mixed precision: the ops that flip the most samples stay float, until the target") {
  // Candidate 0 alone flips sample 0; candidate 1 samples 1-4; candidate 2 and 3 none, 3 with
  // the larger output error.
  const std::vector<std::vector<size_t>> flips = {{0}, {1, 2, 3, 4}, {}, {}};
  const std::vector<float> noise = {0.0f, 0.0f, 0.01f, 0.1f};
  const DatasetOutputs reference = Outputs(std::vector<bool>(10, false), 0.0f);
  size_t runs = 0;
  const convert::EvaluateMix evaluate = [&](const std::vector<bool>& int8, DatasetOutputs* out) {
    ++runs;
    std::vector<bool> flipped(10, false);
    float total_noise = 0;
    for (size_t c = 0; c < int8.size(); ++c) {
      if (!int8[c]) continue;
      for (size_t i : flips[c]) flipped[i] = true;
      total_noise += noise[c];
    }
    *out = Outputs(flipped, total_noise);
    return Status::Ok();
  };
  convert::MixedPrecisionChoice choice;

  SUBCASE("target 0: every op int8, nothing run") {
    REQUIRE(convert::ChooseFloatOps(4, 0, reference, evaluate, &choice).ok());
    CHECK(runs == 0);
    CHECK(choice.kept_float.empty());
    CHECK(std::count(choice.int8.begin(), choice.int8.end(), true) == 4);
  }
  SUBCASE("all int8 agrees enough: nothing measured op by op") {
    REQUIRE(convert::ChooseFloatOps(4, 50, reference, evaluate, &choice).ok());
    CHECK(runs == 1);
    CHECK(choice.all_int8_agreement == doctest::Approx(50));
    CHECK(choice.kept_float.empty());
    CHECK(choice.sensitivities.empty());
  }
  SUBCASE("target 90: the op flipping 4 samples stays float") {
    REQUIRE(convert::ChooseFloatOps(4, 90, reference, evaluate, &choice).ok());
    CHECK(choice.all_int8_agreement == doctest::Approx(50));
    REQUIRE(choice.sensitivities.size() == 4);
    CHECK(choice.sensitivities[1].agreement == doctest::Approx(60));
    CHECK(choice.sensitivities[0].agreement == doctest::Approx(90));
    CHECK(choice.sensitivities[3].error > choice.sensitivities[2].error);
    CHECK(choice.kept_float == std::vector<size_t>{1});
    CHECK(choice.int8 == std::vector<bool>{true, false, true, true});
    CHECK(choice.agreement == doctest::Approx(90));
    CHECK(runs == 1 + 4 + 1);
  }
  SUBCASE("target 100: every flipping op float, the harmless ones int8") {
    REQUIRE(convert::ChooseFloatOps(4, 100, reference, evaluate, &choice).ok());
    CHECK(choice.kept_float == std::vector<size_t>{1, 0});
    CHECK(choice.int8 == std::vector<bool>{false, false, true, true});
    CHECK(choice.agreement == doctest::Approx(100));
  }
  SUBCASE("an evaluation error is passed on") {
    const convert::EvaluateMix failing = [](const std::vector<bool>&, DatasetOutputs*) {
      return Status::Error("no memory");
    };
    const Status status = convert::ChooseFloatOps(4, 90, reference, failing, &choice);
    CHECK(!status.ok());
    CHECK(status.message() == "no memory");
  }
}

// stem conv 3->8 (+relu), conv 8->16 (+relu), flatten, FC 1024->12 (+relu), classifier FC
// 12->4. Conv 2's channel 0 is always 0 (only negative weights on non-negative inputs, and a
// negative bias), and FC 1's weights on the first value of that channel are huge: invisible
// in float, but FC 1's per-row int8 scales become so coarse that its other weights round to
// nothing.
OnnxBuilder FragileNet() {
  std::vector<float> w2 = Random(16 * 8 * 9, 3, -0.3f, 0.3f), b2 = Random(16, 4);
  for (int k = 0; k < 8 * 9; ++k) w2[k] = -std::abs(w2[k]);
  b2[0] = -1.0f;
  std::vector<float> wf1 = Random(12 * 1024, 6, -0.1f, 0.1f);
  for (int o = 0; o < 12; ++o) wf1[o * 1024] = 500.0f;
  OnnxBuilder b(13);
  b.Input("x", {1, 3, 8, 8});
  b.Initializer("w1", {8, 3, 3, 3}, Random(8 * 3 * 9, 1)).Initializer("b1", {8}, Random(8, 2));
  b.Initializer("w2", {16, 8, 3, 3}, w2).Initializer("b2", {16}, b2);
  b.Initializer("wf1", {12, 1024}, wf1).Initializer("bf1", {12}, Random(12, 7));
  b.Initializer("wf2", {4, 12}, Random(4 * 12, 8)).Initializer("bf2", {4}, Random(4, 9));
  b.Node("Conv", {"x", "w1", "b1"}, {"c1"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c1"}, {"r1"});
  b.Node("Conv", {"r1", "w2", "b2"}, {"c2"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c2"}, {"r2"});
  b.Node("Flatten", {"r2"}, {"f"});
  b.Node("Gemm", {"f", "wf1", "bf1"}, {"h"}).Int("transB", 1);
  b.Node("Relu", {"h"}, {"hr"});
  b.Node("Gemm", {"hr", "wf2", "bf2"}, {"y"}).Int("transB", 1);
  b.Output("y");
  return b;
}

TEST_CASE("mixed precision: an op ruined by int8 stays float, the others int8") {
  TempDir dir;
  OnnxBuilder onnx = FragileNet();
  constexpr int64_t kSamples = 40;
  const std::vector<float> images = Random(size_t(kSamples) * 3 * 64, 11, -2.0f, 2.0f);
  std::vector<float> labels;
  for (int64_t i = 0; i < kSamples; ++i) labels.push_back(float(i % 4));
  REQUIRE(io::WriteNpy(dir.File("images.npy"), {kSamples, 3, 8, 8}, images.data()).ok());
  REQUIRE(io::WriteNpy(dir.File("labels.npy"), {kSamples}, labels.data()).ok());
  ConvertOptions options;
  options.quantize = "int8";
  options.calibration = "npy:" + dir.File("images.npy") + "," + dir.File("labels.npy");
  options.calibration_images = kSamples;
  auto weight_types = [](const Model& m) {
    std::vector<schema::DataType> types;
    for (const schema::Operator* op : *m.flatbuffer()->operators()) {
      if (op->options_type() == schema::OpOptions::Conv2D ||
          op->options_type() == schema::OpOptions::FullyConnected) {
        types.push_back(m.flatbuffer()->tensors()->Get(op->inputs()->Get(1))->type());
      }
    }
    return types;
  };
  using T = schema::DataType;

  SUBCASE("target 0: conv 2 and FC 1 int8, nothing measured") {
    options.int8_min_agreement = 0;
    Converted int8 = Convert(onnx, dir, options);
    REQUIRE_MESSAGE(int8.status.ok(), int8.status.message());
    CHECK(int8.report.quantized_ops == 2);
    CHECK(!int8.report.agreement_measured);
    CHECK(int8.report.float_ops.empty());
    CHECK(weight_types(*int8.model) == std::vector<T>{T::FLOAT32, T::INT8, T::INT8, T::FLOAT32});
  }
  SUBCASE("target 100: FC 1 kept float, conv 2 int8, every calibration sample agrees") {
    options.int8_min_agreement = 100;
    Converted int8 = Convert(onnx, dir, options);
    REQUIRE_MESSAGE(int8.status.ok(), int8.status.message());
    CHECK(int8.report.agreement_measured);
    CHECK(int8.report.all_int8_agreement < 90);
    CHECK(int8.report.float_ops == std::vector<std::string>{"hr"});
    CHECK(int8.report.calibration_agreement == doctest::Approx(100));
    CHECK(int8.report.quantized_ops == 1);
    CHECK(weight_types(*int8.model) == std::vector<T>{T::FLOAT32, T::INT8, T::FLOAT32, T::FLOAT32});
    // The log names the op and the agreement reached.
    const bool named = std::any_of(int8.report.log.begin(), int8.report.log.end(), [](const std::string& line) {
      return line.find("kept float") != std::string::npos && line.find("hr") != std::string::npos;
    });
    CHECK(named);
  }
  SUBCASE("an agreement outside [0, 100] is refused") {
    options.int8_min_agreement = 101;
    Converted int8 = Convert(onnx, dir, options);
    CHECK(!int8.status.ok());
    CHECK(int8.status.message().find("--int8-min-agreement") != std::string::npos);
  }
}

}  // namespace
}  // namespace frost::testing
