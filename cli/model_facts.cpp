#include "model_facts.hpp"

#include <cctype>
#include <set>

#include "frost_generated.h"

namespace frost::cli {
namespace {

Json TensorsToJson(const std::vector<TensorInfo>& tensors) {
  Json list = Json::array();
  for (const TensorInfo& t : tensors) list.push_back({{"name", t.name}, {"shape", t.shape}});
  return list;
}

// The ONNX (logical) shape of a stored tensor: NHWC-stored activations are shown as NCHW.
std::vector<int64_t> LogicalShape(const schema::Tensor& tensor) {
  std::vector<int64_t> shape;
  if (tensor.shape()) shape.assign(tensor.shape()->begin(), tensor.shape()->end());
  if (tensor.layout() == schema::Layout::NHWC && shape.size() == 4) {
    shape = {shape[0], shape[3], shape[1], shape[2]};
  }
  return shape;
}

size_t Elements(const schema::Tensor& tensor) {
  size_t n = 1;
  if (tensor.shape()) {
    for (int64_t d : *tensor.shape()) n *= static_cast<size_t>(d > 0 ? d : 0);
  }
  return n;
}

// The head: every operator that depends (directly or not) on the feature tensor, and the
// constant tensors (weights, biases) those operators read.
Json HeadFacts(const schema::Model& fb) {
  const int feature = fb.feature_tensor();
  const auto* tensors = fb.tensors();
  if (feature < 0 || !tensors || feature >= static_cast<int>(tensors->size())) {
    return {{"feature_tensor", nullptr}, {"shape", nullptr}, {"ops", 0}, {"params", 0}};
  }
  std::set<int> downstream = {feature};
  std::set<int> params;
  size_t ops = 0;
  if (fb.operators()) {
    for (const schema::Operator* op : *fb.operators()) {
      if (!op->inputs() || !op->outputs()) continue;
      bool in_head = false;
      for (int input : *op->inputs()) in_head |= downstream.count(input) > 0;
      if (!in_head) continue;
      ++ops;
      for (int output : *op->outputs()) downstream.insert(output);
      for (int input : *op->inputs()) {
        if (input >= 0 && input < static_cast<int>(tensors->size()) &&
            tensors->Get(input)->buffer() >= 0) {
          params.insert(input);
        }
      }
    }
  }
  size_t num_params = 0;
  for (int t : params) num_params += Elements(*tensors->Get(t));
  const schema::Tensor* tensor = tensors->Get(feature);
  return {{"feature_tensor", tensor->name() ? tensor->name()->str() : ""},
          {"shape", LogicalShape(*tensor)},
          {"ops", ops},
          {"params", num_params}};
}

// Constants by stored type ("float32", "float16", ...): how many, their elements and bytes
// (each buffer counted once, as ModelStats::weight_bytes does).
Json WeightTypes(const schema::Model& fb) {
  Json types = Json::object();
  const auto* tensors = fb.tensors();
  const auto* buffers = fb.buffers();
  if (!tensors || !buffers) return types;
  std::set<int> counted;
  for (const schema::Tensor* t : *tensors) {
    const int b = t->buffer();
    if (b < 0 || b >= static_cast<int>(buffers->size()) || !counted.insert(b).second) continue;
    std::string type = schema::EnumNameDataType(t->type());
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Json& entry = types[type];
    if (entry.is_null()) entry = {{"tensors", 0}, {"params", 0}, {"bytes", 0}};
    entry["tensors"] = entry["tensors"].get<uint64_t>() + 1;
    entry["params"] = entry["params"].get<uint64_t>() + Elements(*t);
    entry["bytes"] = entry["bytes"].get<uint64_t>() + buffers->Get(b)->size();
  }
  return types;
}

// The ops that run quantized (an INT8 weight), by type.
Json Int8Ops(const schema::Model& fb) {
  Json int8_ops = Json::object();
  const auto* tensors = fb.tensors();
  const int num_tensors = tensors ? static_cast<int>(tensors->size()) : 0;
  if (fb.operators()) {
    for (const schema::Operator* op : *fb.operators()) {
      if (!op->inputs() || op->inputs()->size() < 2) continue;
      const int w = op->inputs()->Get(1);
      if (w < 0 || w >= num_tensors || tensors->Get(w)->type() != schema::DataType::INT8) continue;
      Json& count = int8_ops[schema::EnumNameOpOptions(op->options_type())];
      count = count.is_null() ? 1 : count.get<uint64_t>() + 1;
    }
  }
  return int8_ops;
}

}  // namespace

Json ModelFacts(const Model& model) {
  const ModelStats stats = model.Stats();
  const schema::Model* fb = model.flatbuffer();
  Json facts;
  facts["file"] = model.path();
  facts["format_version"] = fb->version();
  facts["source"] = fb->source() ? fb->source()->str() : "";
  facts["producer"] = fb->producer() ? fb->producer()->str() : "";
  facts["inputs"] = TensorsToJson(model.inputs());
  facts["outputs"] = TensorsToJson(model.outputs());
  facts["batch_polymorphic"] = model.batch_polymorphic();

  Json by_type = Json::object();
  for (const auto& [type, count] : stats.op_counts) by_type[type] = count;
  facts["ops"] = {{"total", stats.num_ops}, {"by_type", by_type}};
  facts["params"] = stats.num_params;
  facts["weights"] = WeightTypes(*fb);
  facts["int8_ops"] = Int8Ops(*fb);
  facts["flops"] = stats.flops;

  const Preprocessing& p = model.preprocessing();
  facts["preprocessing"] = {{"scale", p.scale},
                            {"mean", p.mean},
                            {"std", p.std},
                            {"channel_order", p.bgr ? "BGR" : "RGB"},
                            {"crop_fraction", p.crop_fraction}};
  facts["labels"] = {{"count", model.labels().size()}, {"names", model.labels()}};
  facts["head"] = HeadFacts(*fb);
  // A head-only file: the backbone it belongs to.
  if (fb->backbone_sha256() && fb->backbone_sha256()->size() > 0) {
    facts["head"]["backbone_sha256"] = fb->backbone_sha256()->str();
  }
  facts["memory"] = {{"file_bytes", stats.file_bytes},
                     {"weight_bytes", stats.weight_bytes},
                     {"arena_bytes", stats.arena_bytes},
                     {"arena_batch", stats.batch}};
  return facts;
}

}  // namespace frost::cli
