// The head-only model: the trained head as a small .frost graph on the feature tensor.
#include <cmath>

#include "heads.hpp"

namespace frost::heads {
namespace {

namespace fs = frost::schema;

int AddTensor(Draft& d, const std::string& name, std::vector<int64_t> shape,
              const float* values = nullptr, size_t count = 0) {
  auto t = std::make_unique<fs::TensorT>();
  t->name = name;
  t->shape = std::move(shape);
  if (values != nullptr) {
    t->buffer = int32_t(d.m.buffers.size());
    d.m.buffers.emplace_back();
    d.sources.push_back({values, count * sizeof(float)});
  }
  d.m.tensors.push_back(std::move(t));
  return int(d.m.tensors.size() - 1);
}

void AddOp(Draft& d, const std::string& name, fs::OpOptionsUnion options,
           std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
  auto op = std::make_unique<fs::OperatorT>();
  op->name = name;
  op->options = std::move(options);
  op->inputs = std::move(inputs);
  op->outputs = std::move(outputs);
  d.m.operators.push_back(std::move(op));
}

// The Softmax that produces `base`'s output, if that is how the model ends.
const fs::Softmax* FinalSoftmax(const Model& base) {
  const fs::Model& m = *base.flatbuffer();
  if (m.outputs()->size() != 1 || m.operators() == nullptr) return nullptr;
  const int out = m.outputs()->Get(0);
  for (const fs::Operator* op : *m.operators()) {
    if (op->outputs()->size() == 1 && op->outputs()->Get(0) == out) return op->options_as_Softmax();
  }
  return nullptr;
}

}  // namespace

Status HeadDraft(const Model& base, const train::Head& head, const std::vector<std::string>& labels,
                 const std::string& backbone_sha256, Draft* out) {
  const fs::Model& m = *base.flatbuffer();
  const int feature = m.feature_tensor();
  if (feature < 0) {
    return Status::Error(base.path() + " records no feature tensor (where the backbone ends); "
                         "convert it again with frost convert");
  }
  const fs::Tensor& ft = *m.tensors()->Get(feature);
  const auto* fshape = ft.shape();
  const int batch_dim = fshape && fshape->size() > 0 ? int(fshape->Get(0)) : 1;
  if (!fshape || fshape->size() != 2 || ft.layout() != fs::Layout::PLAIN) {
    return Status::Error("feature tensor '" + ft.name()->str() +
                         "' is not a [batch, features] matrix; a head cannot be attached to it");
  }
  const train::HeadShape& hs = head.shape();
  if (fshape->Get(1) != hs.inputs) {
    return Status::Error("the head takes " + std::to_string(hs.inputs) +
                         " features but the backbone's feature tensor '" + ft.name()->str() +
                         "' has " + std::to_string(fshape->Get(1)));
  }
  if (!labels.empty() && int(labels.size()) != hs.classes) {
    return Status::Error(std::to_string(labels.size()) + " labels for a head with " +
                         std::to_string(hs.classes) + " classes");
  }
  for (size_t i = 0; i < head.num_params(); ++i) {
    if (!std::isfinite(head.params()[i])) return Status::Error("the head has a non-finite weight");
  }
  Draft d;
  d.m.version = kSchemaVersion;
  const std::string output_name = m.tensors()->Get(m.outputs()->Get(0))->name()->str();
  const fs::Softmax* softmax = FinalSoftmax(base);
  int x = AddTensor(d, ft.name()->str(), {batch_dim, hs.inputs});
  d.m.inputs = {x};
  d.m.feature_tensor = x;
  for (int layer = 0; layer < head.num_layers(); ++layer) {
    const std::string prefix = "head.fc" + std::to_string(layer + 1);
    const int in = head.layer_inputs(layer), outs = head.layer_outputs(layer);
    const int w = AddTensor(d, prefix + ".weight", {outs, in}, head.weight(layer), size_t(outs) * in);
    const int b = AddTensor(d, prefix + ".bias", {outs}, head.bias(layer), size_t(outs));
    const bool last = layer + 1 == head.num_layers();
    const std::string y_name = !last ? prefix + ".output" : softmax ? "head.logits" : output_name;
    const int y = AddTensor(d, y_name, {batch_dim, outs});
    fs::FullyConnectedT fc;
    fc.fused = std::make_unique<fs::FusedT>();
    fc.fused->kind = last ? fs::FusedActivation::NONE : fs::FusedActivation::RELU;
    fs::OpOptionsUnion options;
    options.Set(std::move(fc));
    AddOp(d, prefix, std::move(options), {x, w, b}, {y});
    x = y;
  }
  if (softmax) {
    const int y = AddTensor(d, output_name, {batch_dim, hs.classes});
    fs::SoftmaxT sm;
    sm.axis = 1;
    sm.log = softmax->log();
    fs::OpOptionsUnion options;
    options.Set(std::move(sm));
    AddOp(d, "head.softmax", std::move(options), {x}, {y});
    x = y;
  }
  d.m.outputs = {x};
  if (m.preprocessing()) d.m.preprocessing.reset(m.preprocessing()->UnPack());
  d.m.labels = labels;
  d.m.source = base.path();
  d.m.producer = std::string("frost-finetune ") + Version();
  d.m.batch_polymorphic = m.batch_polymorphic();
  d.m.backbone_sha256 = backbone_sha256;
  *out = std::move(d);
  return Status::Ok();
}

}  // namespace frost::heads
