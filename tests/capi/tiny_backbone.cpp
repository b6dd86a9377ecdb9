// A test fixture for the C API test: writes a tiny image backbone .frost file, built with
// tests/model_builder.hpp (C++), behind a C function so that capi_test.c stays plain C.
//
//   image [N,3,4,4] -> flatten -> FC 48->8 (ReLU) = features -> FC 8->3 -> logits
//   labels a, b, c; preprocessing: pixel / 255
#include <random>

#include "model_builder.hpp"

namespace {

std::vector<float> Random(size_t n, uint32_t seed, float scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

}  // namespace

extern "C" int frost_test_write_tiny_backbone(const char* path, unsigned seed) {
  namespace fs = frost::schema;
  constexpr int kIn = 48, kFeatures = 8, kClasses = 3;
  frost::testing::ModelBuilder b;
  auto& f = b.fbb();
  const int x = b.Input("image", {1, 3, 4, 4});
  const std::vector<int64_t> flat_shape = {0, kIn};
  const int flat = b.AddOp("flatten", fs::CreateReshapeDirect(f, &flat_shape), {x}, {1, kIn});
  const int w1 = b.Constant("fc1.w", {kFeatures, kIn}, Random(kFeatures * kIn, seed, 0.3f));
  const int b1 = b.Constant("fc1.b", {kFeatures}, Random(kFeatures, seed + 1, 0.3f));
  const int h = b.AddOp("fc1",
                        fs::CreateFullyConnected(f, fs::CreateFused(f, fs::FusedActivation::RELU)),
                        {flat, w1, b1}, {1, kFeatures});
  const int w2 = b.Constant("fc2.w", {kClasses, kFeatures}, Random(kClasses * kFeatures, seed + 2, 0.3f));
  const int b2 = b.Constant("fc2.b", {kClasses}, Random(kClasses, seed + 3, 0.3f));
  b.Output(b.AddOp("fc2", fs::CreateFullyConnected(f), {h, w2, b2}, {1, kClasses}));
  b.SetFeatureTensor(h);
  b.SetLabels({"a", "b", "c"});
  b.SetPreprocessing(1.0f / 255.0f, {}, {}, false, 1.0f);
  return b.Finish().WriteFile(path) ? 0 : 1;
}
