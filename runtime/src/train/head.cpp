// The head's parameters: seeded init (as nn.Linear), views, inference, export/import.
#include <algorithm>
#include <cmath>

#include "frost/train.hpp"
#include "train/layers.hpp"
#include "train/rng.hpp"

namespace frost::train {
namespace {

size_t LayerOffset(const HeadShape& s, int layer) {
  return layer == 0 ? 0 : size_t(s.hidden) * size_t(s.inputs) + size_t(s.hidden);
}

size_t ParamCount(const HeadShape& s) {
  if (s.hidden == 0) return size_t(s.classes) * size_t(s.inputs) + size_t(s.classes);
  return LayerOffset(s, 1) + size_t(s.classes) * size_t(s.hidden) + size_t(s.classes);
}

std::string LayerName(int layer) { return "fc" + std::to_string(layer + 1); }

Status CheckShape(const HeadShape& s) {
  if (s.inputs < 1 || s.classes < 1 || s.hidden < 0) {
    return Status::Error("head shape: inputs " + std::to_string(s.inputs) + ", hidden " +
                         std::to_string(s.hidden) + ", classes " + std::to_string(s.classes) +
                         " (inputs and classes must be at least 1)");
  }
  return Status::Ok();
}

}  // namespace

int Head::layer_inputs(int layer) const { return layer == 0 ? shape_.inputs : shape_.hidden; }
int Head::layer_outputs(int layer) const {
  return layer == 0 && shape_.hidden > 0 ? shape_.hidden : shape_.classes;
}
float* Head::weight(int layer) { return params_.data() + LayerOffset(shape_, layer); }
const float* Head::weight(int layer) const { return params_.data() + LayerOffset(shape_, layer); }
float* Head::bias(int layer) {
  return weight(layer) + size_t(layer_outputs(layer)) * size_t(layer_inputs(layer));
}
const float* Head::bias(int layer) const {
  return weight(layer) + size_t(layer_outputs(layer)) * size_t(layer_inputs(layer));
}

Status Head::Create(const HeadShape& shape, uint64_t seed, Head* out) {
  if (auto s = CheckShape(shape); !s) return s;
  Head head;
  head.shape_ = shape;
  head.params_.resize(ParamCount(shape));
  Rng rng(seed, StreamId(RngStream::kInit));
  // nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) gives the weight the bound
  // gain * sqrt(3 / fan_in) with gain = sqrt(2 / (1 + 5)), i.e. 1 / sqrt(fan_in), the
  // same bound as the bias.
  for (int layer = 0; layer < head.num_layers(); ++layer) {
    float bound = float(1.0 / std::sqrt(double(head.layer_inputs(layer))));
    size_t count = size_t(head.layer_outputs(layer)) * size_t(head.layer_inputs(layer) + 1);
    float* p = head.weight(layer);
    for (size_t i = 0; i < count; ++i) p[i] = (2.0f * rng.Uniform() - 1.0f) * bound;
  }
  *out = std::move(head);
  return Status::Ok();
}

void Head::Predict(const float* features, size_t n, float* logits) const {
  constexpr size_t kChunk = 256;
  size_t d = size_t(shape_.inputs), h = size_t(shape_.hidden), k = size_t(shape_.classes);
  std::vector<float> hidden(h > 0 ? kChunk * h : 0);
  for (size_t begin = 0; begin < n; begin += kChunk) {
    size_t rows = std::min(kChunk, n - begin);
    const float* x = features + begin * d;
    float* y = logits + begin * k;
    if (h == 0) {
      LinearForward(y, x, weight(0), bias(0), rows, d, k);
    } else {
      LinearForward(hidden.data(), x, weight(0), bias(0), rows, d, h);
      ReluForward(hidden.data(), rows * h);
      LinearForward(y, hidden.data(), weight(1), bias(1), rows, h, k);
    }
  }
}

std::vector<HeadTensor> Head::Export() const {
  std::vector<HeadTensor> tensors;
  for (int layer = 0; layer < num_layers(); ++layer) {
    int64_t in = layer_inputs(layer), out = layer_outputs(layer);
    tensors.push_back({LayerName(layer) + ".weight",
                       {out, in},
                       std::vector<float>(weight(layer), weight(layer) + out * in)});
    tensors.push_back(
        {LayerName(layer) + ".bias", {out}, std::vector<float>(bias(layer), bias(layer) + out)});
  }
  return tensors;
}

Status Head::Import(const std::vector<HeadTensor>& tensors, Head* out) {
  if (tensors.size() != 2 && tensors.size() != 4) {
    return Status::Error("a head has 2 tensors (linear) or 4 (mlp), not " +
                         std::to_string(tensors.size()));
  }
  const std::vector<int64_t>& w0 = tensors[0].shape;
  if (w0.size() != 2) return Status::Error("head tensor fc1.weight must be 2-D [out, in]");
  HeadShape shape;
  shape.inputs = int(w0[1]);
  if (tensors.size() == 4) {
    shape.hidden = int(w0[0]);
    shape.classes = tensors[2].shape.empty() ? 0 : int(tensors[2].shape[0]);
  } else {
    shape.classes = int(w0[0]);
  }
  if (auto s = CheckShape(shape); !s) return s;
  Head head;
  head.shape_ = shape;
  head.params_.resize(ParamCount(shape));
  std::vector<HeadTensor> expected = head.Export();
  for (size_t t = 0; t < tensors.size(); ++t) {
    const HeadTensor& got = tensors[t];
    const HeadTensor& want = expected[t];
    if (got.name != want.name || got.shape != want.shape ||
        got.values.size() != want.values.size()) {
      return Status::Error("head tensor " + std::to_string(t) + ": expected '" + want.name +
                           "' of " + std::to_string(want.values.size()) + " values, got '" +
                           got.name + "' of " + std::to_string(got.values.size()));
    }
    for (size_t i = 0; i < got.values.size(); ++i) {
      if (!std::isfinite(got.values[i])) {
        return Status::Error("head tensor '" + got.name + "' value " + std::to_string(i) +
                             " is not finite");
      }
    }
  }
  size_t offset = 0;
  for (const HeadTensor& t : tensors) {
    std::copy(t.values.begin(), t.values.end(), head.params_.begin() + long(offset));
    offset += t.values.size();
  }
  *out = std::move(head);
  return Status::Ok();
}

}  // namespace frost::train
