// Tiny .frost classifiers for the CLI tests, built with tests/model_builder.hpp:
//   x [B, C, 4, 4] -> Reshape [B, C*16] ('features') -> FullyConnected -> [B, classes]
//   (-> Softmax, optionally)
// so every output can be computed by hand: logits = W . flatten(x) + b.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model_builder.hpp"
#include "test_util.hpp"

namespace frost::testing {

struct TinyClassifier {
  int channels = 3;
  int classes = 3;
  int64_t batch = 1;  // the stored batch
  bool batch_polymorphic = true;
  bool softmax = false;  // end with a Softmax (the output is a distribution)
  std::vector<std::string> labels = {"red thing", "green thing", "blue thing"};
  std::vector<float> weights;  // [classes, channels * 16]; empty: the colour detector below
  std::vector<float> bias;     // [classes]; empty: zeros

  int features() const { return channels * 16; }

  // The default weights sum channel c into class c: a red image scores class 0, and so on.
  std::vector<float> Weights() const {
    if (!weights.empty()) return weights;
    std::vector<float> w(static_cast<size_t>(classes) * features(), 0.0f);
    for (int o = 0; o < classes; ++o) {
      for (int k = 0; k < features(); ++k)
        w[o * features() + k] = (k / 16 == o % channels) ? 1.0f : 0.0f;
    }
    return w;
  }
  std::vector<float> Bias() const {
    return bias.empty() ? std::vector<float>(classes, 0.0f) : bias;
  }

  // logits for one sample of channels x 4 x 4 floats.
  std::vector<float> Logits(const float* x) const {
    const std::vector<float> w = Weights(), b = Bias();
    std::vector<float> y(classes);
    for (int o = 0; o < classes; ++o) {
      double sum = b[o];
      for (int k = 0; k < features(); ++k) sum += double(w[o * features() + k]) * x[k];
      y[o] = static_cast<float>(sum);
    }
    return y;
  }

  ModelBytes Build() const {
    ModelBuilder b;
    const int x = b.Input("x", {batch, channels, 4, 4});
    const int flat = b.AddOp("flatten", schema::CreateReshapeDirect(b.fbb(), &kFlatten), {x},
                             {batch, features()});
    const int w = b.Constant("fc.weight", {classes, features()}, Weights());
    const int bias_tensor = b.Constant("fc.bias", {classes}, Bias());
    int y = b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {flat, w, bias_tensor},
                    {batch, classes});
    if (softmax) y = b.AddOp("softmax", schema::CreateSoftmax(b.fbb()), {y}, {batch, classes});
    b.Output(y);
    b.SetFeatureTensor(flat);
    b.SetLabels(labels);
    b.SetBatchPolymorphic(batch_polymorphic);
    b.SetPreprocessing(1.0f / 255.0f, {}, {}, false, 1.0f);
    return b.Finish();
  }

  inline static const std::vector<int64_t> kFlatten = {0, -1};
};

// Writes `m` to dir/name and returns the path.
inline std::string WriteModel(const ScratchDir& dir, const std::string& name,
                              const TinyClassifier& m) {
  const std::string path = dir.File(name);
  REQUIRE(m.Build().WriteFile(path));
  return path;
}

}  // namespace frost::testing
