// The real pretrained CIFAR-10 networks of ../shared/assets: frost converts each, its
// outputs agree with an independent PyTorch evaluation of the ONNX graph on the same
// pixels, and its top-1 on the 10,000 JPEG test images is the figure onnxruntime reached.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "cifar_assets.hpp"
#include "frost/io/npy.hpp"

namespace fs = std::filesystem;
using namespace frost::testing;

namespace {

const fs::path kReference = fs::path(FROST_BINARY_DIR) / "testdata" / "cifar";

}  // namespace

TEST_CASE("asset models: outputs match the reference on the same pixels, top-1 matches onnxruntime") {
  REQUIRE_MESSAGE(fs::exists(kReference / "summary.json"),
                  "run the gen_cifar_reference test first (ctest fixture)");
  frost::io::NpyArray reference_labels;
  REQUIRE(frost::io::ReadNpy((kReference / "labels.npy").string(), &reference_labels).ok());
  for (const AssetModel& m : kAssetModels) {
    std::string name = m.name;
    CAPTURE(name);
    auto model = ConvertAsset(m, "e2e");
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
    std::unique_ptr<frost::data::Dataset> images = TestImages(*model);
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
  auto model = ConvertAsset(kAssetModels[0], "e2e");
  CheckFastMatchesReference(model);
  fs::remove(model->path());
}
