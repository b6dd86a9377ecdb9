// frost's own checks of a verified FlatBuffer, run once by Model::Load / FromBytes. After them
// every index is in range, every constant lies inside the data segment with the size its shape
// implies, ops come in an order where each input exists before use, and shape inference at
// the stored batch reproduces every stored shape. Sessions rely on all of this.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "frost/frost.hpp"
#include "frost/panels.hpp"
#include "graph_shapes.hpp"
#include "model_impl.hpp"
#include "ops/registry.hpp"

namespace frost {
namespace {

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

// The FlatBuffers Verifier checks the alignment of a vector's length, not of its elements: a
// corrupt offset can leave an [int64] or [Buffer] vector 4-aligned, and reading it would be
// undefined behaviour. (The file's bytes are 64-aligned, so absolute alignment is relative.)
template <typename T>
bool Aligned(const flatbuffers::Vector<T>* v) {
  return v == nullptr || v->size() == 0 || reinterpret_cast<uintptr_t>(v->Data()) % 8 == 0;
}

Status CheckOptionVectors(const schema::Operator& op) {
  bool aligned = true;
  switch (op.options_type()) {
    case schema::OpOptions::Reshape:
      aligned = Aligned(op.options_as_Reshape()->shape());
      break;
    case schema::OpOptions::Pad:
      aligned = Aligned(op.options_as_Pad()->pads());
      break;
    case schema::OpOptions::Slice: {
      const schema::Slice& s = *op.options_as_Slice();
      aligned = Aligned(s.starts()) && Aligned(s.ends()) && Aligned(s.steps());
      break;
    }
    default:
      break;
  }
  return aligned ? Status::Ok() : Status::Error("misaligned int64 vector in the options");
}

// A tensor's int8 quantization: positive finite scales, zero points in [-128, 127], one of
// each per tensor (axis -1) or per index of `axis`; INT8 tensors must have one.
Status CheckQuantization(const schema::Tensor& t, const Shape& shape, const std::string& name) {
  const schema::Quantization* q = t.quantization();
  if (q == nullptr) {
    if (t.type() == schema::DataType::INT8) return Status::Error(name + ": INT8 without quantization");
    return Status::Ok();
  }
  if (!Aligned(q->zero_point())) return Status::Error(name + ": misaligned zero points (corrupt file)");
  const size_t scales = q->scale() ? q->scale()->size() : 0;
  const int axis = q->axis();
  if (axis < -1 || axis >= int(shape.size())) {
    return Status::Error(name + ": quantization axis " + std::to_string(axis) + " out of range for " +
                         ShapeToString(shape));
  }
  const int64_t expected = axis == -1 ? 1 : shape[axis];
  if (int64_t(scales) != expected) {
    return Status::Error(name + ": " + std::to_string(scales) + " quantization scales, expected " +
                         std::to_string(expected) +
                         (axis == -1 ? std::string(" (per tensor)") : " (axis " + std::to_string(axis) + ")"));
  }
  const size_t zero_points = q->zero_point() ? q->zero_point()->size() : 0;
  if (zero_points != 0 && zero_points != scales) {
    return Status::Error(name + ": " + std::to_string(zero_points) + " zero points for " +
                         std::to_string(scales) + " scales");
  }
  for (size_t i = 0; i < scales; ++i) {
    const float s = q->scale()->Get(i);
    if (!(std::isfinite(s) && s > 0)) {
      return Status::Error(name + ": quantization scale " + std::to_string(i) + " is " +
                           std::to_string(s) + ", must be positive and finite");
    }
  }
  for (size_t i = 0; i < zero_points; ++i) {
    const int64_t z = q->zero_point()->Get(i);
    if (z < -128 || z > 127) {
      return Status::Error(name + ": zero point " + std::to_string(z) + " outside the int8 range");
    }
  }
  return Status::Ok();
}

Status CheckTensors(Model::Impl* m) {
  const auto* tensors = m->fb->tensors();
  const auto* buffers = m->fb->buffers();
  const int num_buffers = buffers ? int(buffers->size()) : 0;
  const int num_tensors = tensors ? int(tensors->size()) : 0;
  if (!Aligned(buffers)) return Status::Error("the buffers vector is misaligned (corrupt file)");
  const uint64_t data_start = m->data - m->bytes;
  m->shapes.resize(num_tensors);
  m->constant_data.assign(num_tensors, nullptr);
  m->producer.assign(num_tensors, -1);
  for (int i = 0; i < num_tensors; ++i) {
    const schema::Tensor& t = *tensors->Get(i);
    const std::string name = m->TensorName(i);
    if (!Aligned(t.shape())) return Status::Error(name + ": misaligned shape (corrupt file)");
    if (t.shape() && t.shape()->size() > kMaxRank) {
      return Status::Error(name + ": rank " + std::to_string(t.shape()->size()) +
                           " exceeds the maximum of " + std::to_string(kMaxRank));
    }
    Shape shape = t.shape() ? Shape(t.shape()->begin(), t.shape()->end()) : Shape{};
    for (int64_t d : shape) {
      if (d < 0) return Status::Error(name + ": negative dim in shape " + ShapeToString(shape));
    }
    const int64_t count = ElementCount(shape);
    if (count < 0) return Status::Error(name + ": shape " + ShapeToString(shape) + " is too large");
    const size_t type_size = DataTypeSize(t.type());
    if (type_size == 0) {
      return Status::Error(name + ": unknown data type " + std::to_string(int(t.type())));
    }
    if (t.layout() != schema::Layout::PLAIN && t.layout() != schema::Layout::NHWC &&
        t.layout() != schema::Layout::PANELS32) {
      return Status::Error(name + ": unknown layout " + std::to_string(int(t.layout())));
    }
    const bool panels = t.layout() == schema::Layout::PANELS32;
    if (panels && (shape.size() < 2 || t.buffer() == -1 ||
                   (t.type() != schema::DataType::FLOAT32 &&
                    t.type() != schema::DataType::FLOAT16))) {
      return Status::Error(name + ": PANELS32 layout is for FLOAT32 or FLOAT16 constant weights "
                                  "of rank 2 or more, not this " +
                           std::string(DataTypeName(t.type())) + " tensor of shape " +
                           ShapeToString(shape));
    }
    if (t.layout() == schema::Layout::NHWC && shape.size() != 4) {
      return Status::Error(name + ": NHWC layout needs a 4-D shape, got " + ShapeToString(shape));
    }
    if (!Str(t.name()).empty() && !m->tensor_by_name.emplace(Str(t.name()), i).second) {
      return Status::Error(name + ": name also used by tensor " +
                           std::to_string(m->tensor_by_name[Str(t.name())]));
    }
    if (auto s = CheckQuantization(t, shape, name); !s) return s;
    m->shapes[i] = std::move(shape);
    if (t.buffer() == -1) continue;
    if (t.buffer() < 0 || t.buffer() >= num_buffers) {
      return Status::Error(name + ": buffer index " + std::to_string(t.buffer()) +
                           " out of range (" + std::to_string(num_buffers) + " buffers)");
    }
    const schema::Buffer& b = *buffers->Get(t.buffer());
    const std::string where = name + ": buffer " + std::to_string(t.buffer()) + " (offset " +
                              std::to_string(b.offset()) + ", size " + std::to_string(b.size()) +
                              ", file offset " + std::to_string(data_start + b.offset()) + ")";
    if (b.offset() % 64 != 0) return Status::Error(where + " is not 64-byte aligned");
    if (b.offset() > m->data_size || b.size() > m->data_size - b.offset()) {
      return Status::Error(where + " ends past the data segment of " +
                           std::to_string(m->data_size) + " bytes (truncated file?)");
    }
    const uint64_t needed =
        panels ? PanelBytes(m->shapes[i][0], count / std::max<int64_t>(m->shapes[i][0], 1),
                            type_size)
               : uint64_t(count) * type_size;
    if (b.size() != needed) {
      return Status::Error(where + " holds " + std::to_string(b.size()) + " bytes but shape " +
                           ShapeToString(m->shapes[i]) + " of " + DataTypeName(t.type()) +
                           (panels ? " in panels of 32" : "") + " needs " +
                           std::to_string(needed));
    }
    m->constant_data[i] = m->data + b.offset();
  }
  return Status::Ok();
}

// Graph inputs: activations, plain layout, at least 1-D; dim 0 is the batch.
Status CheckGraphInputs(Model::Impl* m) {
  const auto* inputs = m->fb->inputs();
  if (inputs == nullptr || inputs->size() == 0) return Status::Error("the model has no inputs");
  for (int32_t t : *inputs) {
    if (t < 0 || t >= m->num_tensors()) {
      return Status::Error("graph input index " + std::to_string(t) + " out of range");
    }
    const std::string name = "graph input " + m->TensorName(t);
    if (m->constant_data[t] != nullptr) return Status::Error(name + " is a constant");
    if (m->tensor(t).layout() != schema::Layout::PLAIN) {
      return Status::Error(name + " must have PLAIN layout");
    }
    if (m->shapes[t].empty()) return Status::Error(name + " must be at least 1-D (dim 0 = batch)");
    for (int other : m->graph_inputs) {
      if (other == t) return Status::Error(name + " is listed twice");
    }
    if (!m->graph_inputs.empty() && m->fb->batch_polymorphic() &&
        m->shapes[t][0] != m->shapes[m->graph_inputs[0]][0]) {
      return Status::Error(name + ": batch dim " + std::to_string(m->shapes[t][0]) +
                           " differs from the first input's " +
                           std::to_string(m->shapes[m->graph_inputs[0]][0]));
    }
    m->graph_inputs.push_back(t);
  }
  m->stored_batch = m->shapes[m->graph_inputs[0]][0];
  if (m->stored_batch < 1) return Status::Error("graph input batch dim must be at least 1");
  return Status::Ok();
}

// Each op: a known type whose options are present, input and output counts as the op
// requires, indices in range, inputs defined before use, each output written once.
Status CheckOperators(Model::Impl* m) {
  const auto* operators = m->fb->operators();
  if (operators != nullptr) m->ops.assign(operators->begin(), operators->end());
  std::vector<bool> defined(m->num_tensors(), false);
  for (int t = 0; t < m->num_tensors(); ++t) defined[t] = m->constant_data[t] != nullptr;
  for (int t : m->graph_inputs) defined[t] = true;
  for (int i = 0; i < int(m->ops.size()); ++i) {
    const schema::Operator& op = *m->ops[i];
    const ops::OpDef* def = ops::FindOp(op.options_type());
    const std::string name = m->OpName(i);
    if (def == nullptr) {
      return Status::Error(name + ": unsupported op type " +
                           std::to_string(int(op.options_type())) + " (written by a newer frost?)");
    }
    if (op.options() == nullptr) return Status::Error(name + ": missing options");
    if (auto s = CheckOptionVectors(op); !s) return Status::Error(name + ": " + s.message());
    const int num_inputs = op.inputs() ? int(op.inputs()->size()) : 0;
    if (num_inputs < def->min_inputs || num_inputs > def->max_inputs) {
      return Status::Error(name + ": " + std::to_string(num_inputs) + " inputs, expected " +
                           std::to_string(def->min_inputs) +
                           (def->max_inputs > def->min_inputs
                                ? " to " + std::to_string(def->max_inputs)
                                : std::string()));
    }
    for (int k = 0; k < num_inputs; ++k) {
      const int32_t t = op.inputs()->Get(k);
      const std::string which = name + ": input " + std::to_string(k);
      // Only trailing optional inputs (beyond min_inputs) may be absent.
      if (t == -1 && k >= def->min_inputs) continue;
      if (t < 0 || t >= m->num_tensors()) {
        return Status::Error(which + " has tensor index " + std::to_string(t) + " out of range");
      }
      if (!defined[t]) {
        return Status::Error(which + " " + m->TensorName(t) +
                             " is used before any op produces it (ops out of order?)");
      }
    }
    if (op.outputs() == nullptr || op.outputs()->size() != 1) {
      return Status::Error(name + ": must have exactly 1 output");
    }
    const int32_t out = op.outputs()->Get(0);
    if (out < 0 || out >= m->num_tensors()) {
      return Status::Error(name + ": output tensor index " + std::to_string(out) + " out of range");
    }
    if (m->constant_data[out] != nullptr) {
      return Status::Error(name + ": output " + m->TensorName(out) + " is a constant");
    }
    if (defined[out]) {
      return Status::Error(name + ": output " + m->TensorName(out) +
                           " is already a graph input or written by op " +
                           std::to_string(m->producer[out]));
    }
    defined[out] = true;
    m->producer[out] = i;
  }
  return Status::Ok();
}

Status CheckGraphOutputs(Model::Impl* m) {
  const auto* outputs = m->fb->outputs();
  if (outputs == nullptr || outputs->size() == 0) return Status::Error("the model has no outputs");
  for (int32_t t : *outputs) {
    if (t < 0 || t >= m->num_tensors()) {
      return Status::Error("graph output index " + std::to_string(t) + " out of range");
    }
    const std::string name = "graph output " + m->TensorName(t);
    bool is_input = false;
    for (int in : m->graph_inputs) is_input |= in == t;
    if (m->producer[t] < 0 && !is_input && m->constant_data[t] == nullptr) {
      return Status::Error(name + " is never computed");
    }
    if (m->tensor(t).layout() != schema::Layout::PLAIN) {
      return Status::Error(name + " must have PLAIN layout");
    }
    if (m->shapes[t].empty() && m->constant_data[t] == nullptr) {
      return Status::Error(name + " must be at least 1-D (dim 0 = batch)");
    }
    m->graph_outputs.push_back(t);
  }
  return Status::Ok();
}

// Shape inference at the stored batch must reproduce every stored activation shape; a batch
// polymorphic model must also infer at another batch.
Status CheckShapes(Model::Impl* m) {
  std::vector<Shape> shapes;
  if (auto s = InferShapes(*m, m->stored_batch, &shapes); !s) return s;
  for (int i = 0; i < int(m->ops.size()); ++i) {
    const int out = m->ops[i]->outputs()->Get(0);
    if (shapes[out] != m->shapes[out]) {
      return Status::Error(m->OpName(i) + ": output " + m->TensorName(out) + " is stored as " +
                           ShapeToString(m->shapes[out]) + " but the op produces " +
                           ShapeToString(shapes[out]));
    }
  }
  if (m->fb->batch_polymorphic()) {
    if (auto s = InferShapes(*m, m->stored_batch + 1, &shapes); !s) {
      return Status::Error("the model is marked batch polymorphic but " + s.message());
    }
  }
  return Status::Ok();
}

void ReadMetadata(Model::Impl* m) {
  for (int t : m->graph_inputs) m->inputs.push_back({Str(m->tensor(t).name()), m->shapes[t]});
  for (int t : m->graph_outputs) m->outputs.push_back({Str(m->tensor(t).name()), m->shapes[t]});
  if (const schema::Preprocessing* p = m->fb->preprocessing()) {
    m->preprocessing.scale = p->scale();
    if (p->mean()) m->preprocessing.mean.assign(p->mean()->begin(), p->mean()->end());
    if (p->std()) m->preprocessing.std.assign(p->std()->begin(), p->std()->end());
    m->preprocessing.bgr = p->channel_order() == schema::ChannelOrder::BGR;
    m->preprocessing.crop_fraction = p->crop_fraction();
  }
  if (m->fb->labels()) {
    for (const flatbuffers::String* label : *m->fb->labels()) m->labels.push_back(Str(label));
  }
}

}  // namespace

Status CheckModel(Model::Impl* m) {
  const uint32_t version = m->fb->version();
  if (version < 1 || version > kSchemaVersion) {
    return Status::Error("schema version " + std::to_string(version) +
                         " is not supported (this runtime reads 1 to " +
                         std::to_string(kSchemaVersion) + ")");
  }
  if (auto s = CheckTensors(m); !s) return s;
  if (auto s = CheckGraphInputs(m); !s) return s;
  if (auto s = CheckOperators(m); !s) return s;
  if (auto s = CheckGraphOutputs(m); !s) return s;
  const int feature = m->fb->feature_tensor();
  if (feature < -1 || feature >= m->num_tensors()) {
    return Status::Error("feature_tensor index " + std::to_string(feature) + " out of range");
  }
  if (auto s = CheckShapes(m); !s) return s;
  if (const schema::Preprocessing* p = m->fb->preprocessing()) {
    if (!std::isfinite(p->scale()) || !(p->crop_fraction() > 0 && p->crop_fraction() <= 1)) {
      return Status::Error("preprocessing: scale must be finite and crop_fraction in (0, 1]");
    }
    if (p->std()) {
      for (float v : *p->std()) {
        if (!(std::isfinite(v) && v != 0)) {
          return Status::Error("preprocessing: std values must be finite and non-zero");
        }
      }
    }
  }
  ReadMetadata(m);
  return Status::Ok();
}

}  // namespace frost
