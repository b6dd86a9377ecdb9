// torchvision ResNets and VGGs exported by PyTorch 1.13 (models/make_test_matrix.py):
// each converts, and frost's output on the exported input agrees with PyTorch's to within
// 1e-4 of the output's largest magnitude, with the fast path and the reference kernels.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "frost/convert.hpp"
#include "frost/frost.hpp"
#include "frost/io/npy.hpp"

namespace fs = std::filesystem;

namespace {

double WorstRelativeDifference(const std::vector<float>& ours, const frost::io::NpyArray& expected) {
  double magnitude = 0, diff = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    magnitude = std::max(magnitude, double(std::abs(expected.data[i])));
    diff = std::max(diff, double(std::abs(expected.data[i] - ours[i])));
  }
  return diff / std::max(magnitude, 1e-30);
}

std::vector<float> RunAll(std::shared_ptr<const frost::Model> model, const frost::io::NpyArray& input,
                          bool reference) {
  std::unique_ptr<frost::Session> session;
  frost::Status s = frost::Session::Create(model, {.threads = 0, .reference = reference}, &session);
  REQUIRE_MESSAGE(s.ok(), s.message());
  int64_t batch = input.shape[0];
  std::vector<float> out(session->OutputElements(0, batch));
  if (model->batch_polymorphic()) {
    s = session->Run(input.data.data(), batch, out.data());
    REQUIRE_MESSAGE(s.ok(), s.message());
  } else {
    size_t in_per = input.elements() / size_t(batch), out_per = out.size() / size_t(batch);
    for (int64_t b = 0; b < batch; ++b) {
      s = session->Run(input.data.data() + b * in_per, 1, out.data() + b * out_per);
      REQUIRE_MESSAGE(s.ok(), s.message());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("torchvision models agree with PyTorch") {
  const char* manifest_path = std::getenv("FROST_E2E_MANIFEST");
  REQUIRE_MESSAGE(manifest_path != nullptr, "FROST_E2E_MANIFEST is not set");
  std::ifstream manifest(manifest_path);
  REQUIRE_MESSAGE(manifest.good(), "cannot read " << manifest_path);
  std::string line;
  int cases = 0;
  while (std::getline(manifest, line)) {
    if (line.empty()) continue;
    nlohmann::json c = nlohmann::json::parse(line);
    std::string name = c["case"];
    CAPTURE(name);
    frost::ConvertOptions options;
    options.input_path = c["onnx"];
    options.output_path = (fs::path(FROST_BINARY_DIR) / "testdata" / (name + ".frost")).string();
    frost::Status s = frost::Convert(options);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::shared_ptr<const frost::Model> model;
    s = frost::Model::Load(options.output_path, &model);
    REQUIRE_MESSAGE(s.ok(), s.message());
    frost::io::NpyArray input, expected;
    REQUIRE(frost::io::ReadNpy(c["input"], &input).ok());
    REQUIRE(frost::io::ReadNpy(c["expected"], &expected).ok());

    std::vector<float> fast = RunAll(model, input, false);
    REQUIRE(fast.size() == expected.elements());
    double worst_fast = WorstRelativeDifference(fast, expected);
    // The reference kernels are plain loops: on the big VGGs they take minutes, so they
    // judge the smaller networks only.
    bool small = model->Stats().flops < 6e9;
    double worst_reference = small ? WorstRelativeDifference(RunAll(model, input, true), expected) : 0;
    MESSAGE(name << ": worst |frost - PyTorch| / max|PyTorch| = " << worst_fast
                 << " (fast), " << (small ? std::to_string(worst_reference) : "skipped")
                 << " (reference)");
    CHECK(worst_fast <= 1e-4);
    CHECK(worst_reference <= 1e-4);
    model.reset();
    fs::remove(options.output_path);
    ++cases;
  }
  CHECK(cases > 0);
}
