// `frost convert --fp16` on the real CIFAR-10 ResNets of ../shared/assets: half the file, and
// top-1 on all 10,000 test images at most 0.1 points below the float32 conversion's.
#include <doctest/doctest.h>

#include <cmath>

#include "cifar_assets.hpp"

using namespace frost::testing;

namespace {

// `model`'s outputs on `images` (all threads, fast path).
frost::DatasetOutputs Outputs(const std::shared_ptr<const frost::Model>& model,
                              const frost::data::Dataset& images) {
  std::unique_ptr<frost::Session> session;
  REQUIRE(frost::Session::Create(model, {.threads = 0}, &session).ok());
  frost::DatasetOutputs outputs;
  const frost::Status s = frost::RunDataset(*session, *model, images, 250, &outputs);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return outputs;
}

double Top1(const frost::DatasetOutputs& outputs, const std::vector<int>& labels) {
  frost::Metrics metrics;
  REQUIRE(frost::ComputeMetrics(outputs, labels, &metrics).ok());
  return metrics.accuracy * 100;
}

}  // namespace

TEST_CASE("--fp16 CIFAR ResNets: half the file, top-1 within 0.1 points of float32") {
  // The four CIFAR ResNets (20, 32, 44, 56) lead kAssetModels.
  for (size_t i = 0; i < 4; ++i) {
    const AssetModel& m = kAssetModels[i];
    const std::string name = m.name;
    CAPTURE(name);
    auto full = ConvertAsset(m, "fp32");
    auto half = ConvertAsset(m, "fp16", /*fp16=*/true);
    const size_t full_bytes = full->file_size(), half_bytes = half->file_size();
    std::unique_ptr<frost::data::Dataset> images = TestImages(*full);
    const std::vector<int> labels = Labels(*images);
    const frost::DatasetOutputs full_out = Outputs(full, *images), half_out = Outputs(half, *images);
    const double full_top1 = Top1(full_out, labels), half_top1 = Top1(half_out, labels);
    const std::vector<int> full_class = Argmax(full_out), half_class = Argmax(half_out);
    size_t changed = 0;
    for (size_t k = 0; k < full_class.size(); ++k) changed += full_class[k] != half_class[k];
    MESSAGE(name << ": file " << full_bytes << " -> " << half_bytes << " bytes, top-1 "
                 << full_top1 << " % -> " << half_top1 << " %, " << changed
                 << " of 10,000 predictions changed");
    CHECK(double(half_bytes) < 0.52 * double(full_bytes));
    CHECK(half_top1 >= full_top1 - 0.1 - 1e-9);
    std::filesystem::remove(full->path());
    std::filesystem::remove(half->path());
  }
}

TEST_CASE("--fp16 CIFAR ResNet-20: the reference kernels agree with the fast path") {
  auto half = ConvertAsset(kAssetModels[0], "fp16ref", /*fp16=*/true);
  CheckFastMatchesReference(half);
  std::filesystem::remove(half->path());
}
