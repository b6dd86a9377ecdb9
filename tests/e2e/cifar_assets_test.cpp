// The real pretrained CIFAR-10 networks of ../shared/assets: frost converts each, its
// outputs agree with an independent PyTorch evaluation of the ONNX graph on the same
// pixels, and its top-1 on the 10,000 JPEG test images is the figure onnxruntime reached.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "frost/convert.hpp"
#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "frost/frost.hpp"
#include "frost/io/npy.hpp"

namespace fs = std::filesystem;

namespace {

struct AssetModel {
  const char* name;
  bool raw_pixels;     // mlperf: raw 0..255 values, no normalisation
  double readme_top1;  // onnxruntime 1.30 on cifar10-test (assets README)
};

const AssetModel kModels[] = {
    {"cifar_resnet20", false, 81.03},
    {"cifar_resnet32", false, 82.56},
    {"cifar_resnet44", false, 82.67},
    {"cifar_resnet56", false, 83.20},
    {"cifar_resnet20_dynbatch_opset17", false, 81.03},
    {"mlperf_resnet8", true, 75.48},
};

const fs::path kAssets = FROST_ASSETS_DIR;
const fs::path kReference = fs::path(FROST_BINARY_DIR) / "testdata" / "cifar";

std::shared_ptr<const frost::Model> ConvertAsset(const AssetModel& m) {
  frost::ConvertOptions options;
  options.input_path = (kAssets / "models" / (std::string(m.name) + ".onnx")).string();
  options.output_path = (fs::temp_directory_path() / (std::string(m.name) + ".e2e.frost")).string();
  if (m.raw_pixels) {
    options.scale = 1.0f;
    options.mean = std::vector<float>{0.0f, 0.0f, 0.0f};
    options.std = std::vector<float>{1.0f, 1.0f, 1.0f};
  }
  frost::Status s = frost::Convert(options);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::shared_ptr<const frost::Model> model;
  s = frost::Model::Load(options.output_path, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return model;
}

std::vector<int> Labels(const frost::data::Dataset& d) {
  std::vector<int> labels(d.size());
  for (size_t i = 0; i < d.size(); ++i) labels[i] = d.label(i);
  return labels;
}

std::vector<int> Argmax(const frost::DatasetOutputs& o) {
  std::vector<int> a(o.samples);
  for (size_t i = 0; i < o.samples; ++i) {
    const float* row = o.values.data() + i * o.per_sample;
    a[i] = int(std::max_element(row, row + o.per_sample) - row);
  }
  return a;
}

}  // namespace

TEST_CASE("asset models: outputs match the reference on the same pixels, top-1 matches onnxruntime") {
  REQUIRE_MESSAGE(fs::exists(kReference / "summary.json"),
                  "run the gen_cifar_reference test first (ctest fixture)");
  frost::io::NpyArray reference_labels;
  REQUIRE(frost::io::ReadNpy((kReference / "labels.npy").string(), &reference_labels).ok());
  for (const AssetModel& m : kModels) {
    std::string name = m.name;
    CAPTURE(name);
    auto model = ConvertAsset(m);
    std::unique_ptr<frost::Session> session;
    REQUIRE(frost::Session::Create(model, {.threads = 0}, &session).ok());
    frost::data::InputSpec spec;
    REQUIRE(frost::data::InputSpecOf(*model, &spec).ok());

    // 1. Same pixels (decoded by PIL) -> outputs within 1e-4 of each sample's largest
    //    magnitude; every 4th image keeps the test's time in check.
    std::unique_ptr<frost::data::Dataset> all_pixels;
    std::string npy = "npy:" + (kReference / "pixels.npy").string() + "," +
                      (kReference / "labels.npy").string();
    REQUIRE(frost::data::Open(npy, spec, &all_pixels).ok());
    std::vector<size_t> every4;
    for (size_t i = 0; i < all_pixels->size(); i += 4) every4.push_back(i);
    auto pixels = frost::data::Select(std::move(all_pixels), every4);
    frost::DatasetOutputs ours;
    frost::Status s = frost::RunDataset(*session, *model, *pixels, 250, &ours);
    REQUIRE_MESSAGE(s.ok(), s.message());
    frost::io::NpyArray ref;
    REQUIRE(frost::io::ReadNpy((kReference / (name + ".logits.npy")).string(), &ref).ok());
    REQUIRE(ref.elements() == ours.values.size() * 4);
    double worst = 0;
    for (size_t i = 0; i < ours.samples; ++i) {
      double mag = 0, diff = 0;
      for (size_t k = 0; k < ours.per_sample; ++k) {
        size_t j = i * ours.per_sample + k;
        size_t r = every4[i] * ours.per_sample + k;
        mag = std::max(mag, double(std::abs(ref.data[r])));
        diff = std::max(diff, double(std::abs(ref.data[r] - ours.values[j])));
      }
      worst = std::max(worst, diff / std::max(mag, 1e-12));
    }
    MESSAGE(name << ": worst relative output difference vs reference " << worst);
    CHECK(worst <= 1e-4);

    // 2. The JPEG folder through frost's own decoder: top-1 as onnxruntime's, argmax
    //    agreeing with the reference on >= 99.9 % of the images.
    std::unique_ptr<frost::data::Dataset> images;
    REQUIRE(frost::data::Open((kAssets / "cifar10-test").string(), spec, &images).ok());
    frost::DatasetOutputs from_jpeg;
    s = frost::RunDataset(*session, *model, *images, 250, &from_jpeg);
    REQUIRE_MESSAGE(s.ok(), s.message());
    frost::Metrics metrics;
    REQUIRE(frost::ComputeMetrics(from_jpeg, Labels(*images), &metrics).ok());
    frost::DatasetOutputs reference{ref.elements() / 10, 10, ref.data};
    std::vector<int> a = Argmax(from_jpeg), b = Argmax(reference);
    size_t agree = 0;
    for (size_t i = 0; i < a.size(); ++i) agree += a[i] == b[i];
    double agreement = double(agree) / double(a.size());
    MESSAGE(name << ": top-1 " << metrics.accuracy * 100 << " % (onnxruntime " << m.readme_top1
                   << " %), argmax agreement " << agreement * 100 << " %");
    CHECK(std::abs(metrics.accuracy * 100 - m.readme_top1) < 0.005 + 1e-9);
    CHECK(agreement >= 0.999);
    fs::remove(model->path());
  }
}

TEST_CASE("asset model: the reference kernels agree with the fast path") {
  auto model = ConvertAsset(kModels[0]);
  std::unique_ptr<frost::Session> fast, reference;
  REQUIRE(frost::Session::Create(model, {.threads = 2}, &fast).ok());
  REQUIRE(frost::Session::Create(model, {.threads = 1, .reference = true}, &reference).ok());
  frost::data::InputSpec spec;
  REQUIRE(frost::data::InputSpecOf(*model, &spec).ok());
  std::unique_ptr<frost::data::Dataset> all;
  REQUIRE(frost::data::Open((kAssets / "cifar10-test").string(), spec, &all).ok());
  std::vector<size_t> some;
  for (size_t i = 0; i < all->size(); i += 50) some.push_back(i);
  auto subset = frost::data::Select(std::shared_ptr<const frost::data::Dataset>(std::move(all)), some);
  frost::DatasetOutputs a, b;
  REQUIRE(frost::RunDataset(*fast, *model, *subset, 16, &a).ok());
  REQUIRE(frost::RunDataset(*reference, *model, *subset, 16, &b).ok());
  for (size_t i = 0; i < a.samples; ++i) {
    double mag = 0, diff = 0;
    for (size_t k = 0; k < a.per_sample; ++k) {
      mag = std::max(mag, double(std::abs(b.values[i * a.per_sample + k])));
      diff = std::max(diff, double(std::abs(a.values[i * a.per_sample + k] - b.values[i * a.per_sample + k])));
    }
    CHECK(diff <= 1e-4 * mag);
  }
  fs::remove(model->path());
}
