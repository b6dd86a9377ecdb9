// The CIFAR-10 models and images of ../shared/assets, shared by the e2e tests that use them:
// which models there are, converting one, and the pieces of scoring it on the test images.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "frost/frost.hpp"

namespace frost::testing {

struct AssetModel {
  const char* name;
  bool raw_pixels;     // mlperf: raw 0..255 values, no normalisation
  double readme_top1;  // onnxruntime 1.30 on cifar10-test (assets README)
};

inline const AssetModel kAssetModels[] = {
    {"cifar_resnet20", false, 81.03},
    {"cifar_resnet32", false, 82.56},
    {"cifar_resnet44", false, 82.67},
    {"cifar_resnet56", false, 83.20},
    {"cifar_resnet20_dynbatch_opset17", false, 81.03},
    {"mlperf_resnet8", true, 75.48},
};

inline const std::filesystem::path kAssets = FROST_ASSETS_DIR;

// Converts asset model `m` into the temp directory (the file name carries `tag` and the
// process id, so that tests running at the same time never share a file) and loads it.
// `fp16`: frost convert --fp16.
inline std::shared_ptr<const Model> ConvertAsset(const AssetModel& m, const std::string& tag,
                                                 bool fp16 = false) {
  ConvertOptions options;
  options.input_path = (kAssets / "models" / (std::string(m.name) + ".onnx")).string();
  options.output_path = (std::filesystem::temp_directory_path() /
                         (std::string(m.name) + "." + tag + "." + std::to_string(getpid()) +
                          ".frost"))
                            .string();
  if (m.raw_pixels) {
    options.scale = 1.0f;
    options.mean = std::vector<float>{0.0f, 0.0f, 0.0f};
    options.std = std::vector<float>{1.0f, 1.0f, 1.0f};
  }
  options.fp16 = fp16;
  Status s = Convert(options);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::shared_ptr<const Model> model;
  s = Model::Load(options.output_path, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return model;
}

// The 10,000 JPEG test images, preprocessed for `model`.
inline std::unique_ptr<data::Dataset> TestImages(const Model& model) {
  data::InputSpec spec;
  REQUIRE(data::InputSpecOf(model, &spec).ok());
  std::unique_ptr<data::Dataset> images;
  REQUIRE(data::Open((kAssets / "cifar10-test").string(), spec, &images).ok());
  return images;
}

inline std::vector<int> Labels(const data::Dataset& d) {
  std::vector<int> labels(d.size());
  for (size_t i = 0; i < d.size(); ++i) labels[i] = d.label(i);
  return labels;
}

inline std::vector<int> Argmax(const DatasetOutputs& o) {
  std::vector<int> a(o.samples);
  for (size_t i = 0; i < o.samples; ++i) {
    const float* row = o.values.data() + i * o.per_sample;
    a[i] = int(std::max_element(row, row + o.per_sample) - row);
  }
  return a;
}

// Every 50th test image through the fast path (2 threads) and the reference kernels: the
// outputs agree within 1e-4 of each sample's largest magnitude.
inline void CheckFastMatchesReference(const std::shared_ptr<const Model>& model) {
  std::unique_ptr<Session> fast, reference;
  REQUIRE(Session::Create(model, {.threads = 2}, &fast).ok());
  REQUIRE(Session::Create(model, {.threads = 1, .reference = true}, &reference).ok());
  std::shared_ptr<const data::Dataset> all = TestImages(*model);
  std::vector<size_t> some;
  for (size_t i = 0; i < all->size(); i += 50) some.push_back(i);
  auto subset = data::Select(all, some);
  DatasetOutputs a, b;
  REQUIRE(RunDataset(*fast, *model, *subset, 16, &a).ok());
  REQUIRE(RunDataset(*reference, *model, *subset, 16, &b).ok());
  for (size_t i = 0; i < a.samples; ++i) {
    double mag = 0, diff = 0;
    for (size_t k = 0; k < a.per_sample; ++k) {
      const size_t j = i * a.per_sample + k;
      mag = std::max(mag, double(std::abs(b.values[j])));
      diff = std::max(diff, double(std::abs(a.values[j] - b.values[j])));
    }
    CHECK(diff <= 1e-4 * mag);
  }
}

}  // namespace frost::testing
