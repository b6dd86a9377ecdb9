#include "writer.hpp"

#include <map>

#include "frost/half.hpp"
#include "frost/panels.hpp"
#include "frost_generated.h"
#include "passes/op_kinds.hpp"

namespace frost::convert {
namespace {

namespace fs = frost::schema;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

constexpr size_t kAlignment = 64;

size_t AlignUp(size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

// A float weight in PANELS32 layout (pack_panels; INT8 weights are always plain).
bool InPanels(const Tensor& t) {
  return t.panels && t.dtype == DType::kFloat && t.rank() >= 2 && t.shape[0] > 0;
}

// Bytes of a constant in the file: INT8 (quantized weights), FLOAT16 (--fp16) or FLOAT32.
uint64_t StoredBytes(const Tensor& t) {
  if (t.dtype == DType::kInt8) return t.int8s.size();
  const size_t element = t.store_fp16 ? sizeof(uint16_t) : sizeof(float);
  if (InPanels(t)) return PanelBytes(t.shape[0], t.elements() / t.shape[0], element);
  return t.floats.size() * element;
}

int32_t I32(int64_t v) { return static_cast<int32_t>(v); }

Offset<fs::Fused> WriteFused(FlatBufferBuilder& b, const Node& n) {
  const std::string kind = n.String("fused", "");
  if (kind == "relu") return fs::CreateFused(b, fs::FusedActivation::RELU);
  if (kind == "clip") {
    return fs::CreateFused(b, fs::FusedActivation::CLIP, n.Float("fused_min", 0),
                           n.Float("fused_max", 0));
  }
  return fs::CreateFused(b, fs::FusedActivation::NONE);
}

const std::map<std::string, fs::UnaryKind>& UnaryKinds() {
  static const std::map<std::string, fs::UnaryKind> kinds = {
      {"Relu", fs::UnaryKind::RELU},
      {"LeakyRelu", fs::UnaryKind::LEAKY_RELU},
      {"Clip", fs::UnaryKind::CLIP},
      {"Sigmoid", fs::UnaryKind::SIGMOID},
      {"Tanh", fs::UnaryKind::TANH},
      {"Abs", fs::UnaryKind::ABS},
      {"Neg", fs::UnaryKind::NEG},
      {"Exp", fs::UnaryKind::EXP},
      {"Log", fs::UnaryKind::LOG},
      {"Sqrt", fs::UnaryKind::SQRT},
      {"Floor", fs::UnaryKind::FLOOR},
      {"Ceil", fs::UnaryKind::CEIL},
      {"Reciprocal", fs::UnaryKind::RECIPROCAL},
      {"Elu", fs::UnaryKind::ELU},
      {"HardSigmoid", fs::UnaryKind::HARD_SIGMOID},
      {"HardSwish", fs::UnaryKind::HARD_SWISH},
      {"Softplus", fs::UnaryKind::SOFTPLUS},
      {"Softsign", fs::UnaryKind::SOFTSIGN},
      {"Selu", fs::UnaryKind::SELU},
      {"Identity", fs::UnaryKind::IDENTITY}};
  return kinds;
}

const std::map<std::string, fs::BinaryKind>& BinaryKinds() {
  static const std::map<std::string, fs::BinaryKind> kinds = {
      {"Add", fs::BinaryKind::ADD},     {"Sub", fs::BinaryKind::SUB},
      {"Mul", fs::BinaryKind::MUL},     {"Div", fs::BinaryKind::DIV},
      {"Max", fs::BinaryKind::MAXIMUM}, {"Min", fs::BinaryKind::MINIMUM},
      {"Pow", fs::BinaryKind::POW}};
  return kinds;
}

// The op's options table; NONE when the IR op has no .frost form (check_runnable stops
// such graphs before they get here).
std::pair<fs::OpOptions, Offset<void>> WriteOptions(FlatBufferBuilder& b, const Node& n) {
  const std::string& op = n.op;
  if (op == "Conv") {
    const auto k = n.Ints("kernel_shape"), s = n.Ints("strides"), d = n.Ints("dilations");
    const auto p = n.Ints("pads");
    const auto fused = WriteFused(b, n);
    return {
        fs::OpOptions::Conv2D,
        fs::CreateConv2D(b, I32(k[0]), I32(k[1]), I32(s[0]), I32(s[1]), I32(d[0]), I32(d[1]),
                         I32(p[0]), I32(p[1]), I32(p[2]), I32(p[3]), I32(n.Int("group", 1)), fused)
            .Union()};
  }
  if (op == "MaxPool" || op == "AveragePool") {
    const auto k = n.Ints("kernel_shape"), s = n.Ints("strides"), d = n.Ints("dilations");
    const auto p = n.Ints("pads");
    const auto fused = WriteFused(b, n);
    const auto kind = op == "MaxPool" ? fs::PoolKind::MAXIMUM : fs::PoolKind::AVERAGE;
    return {fs::OpOptions::Pool2D,
            fs::CreatePool2D(b, kind, I32(k[0]), I32(k[1]), I32(s[0]), I32(s[1]), I32(d[0]),
                             I32(d[1]), I32(p[0]), I32(p[1]), I32(p[2]), I32(p[3]),
                             n.Int("count_include_pad", 0) != 0, fused)
                .Union()};
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    const auto kind = op == "GlobalMaxPool" ? fs::PoolKind::MAXIMUM : fs::PoolKind::AVERAGE;
    return {fs::OpOptions::GlobalPool, fs::CreateGlobalPool(b, kind).Union()};
  }
  if (op == "FullyConnected") {
    const auto fused = WriteFused(b, n);
    return {fs::OpOptions::FullyConnected, fs::CreateFullyConnected(b, fused).Union()};
  }
  if (op == "MatMul") return {fs::OpOptions::MatMul, fs::CreateMatMul(b).Union()};
  if (auto it = BinaryKinds().find(op); it != BinaryKinds().end()) {
    const auto fused = WriteFused(b, n);
    return {fs::OpOptions::Binary, fs::CreateBinary(b, it->second, fused).Union()};
  }
  if (auto it = UnaryKinds().find(op); it != UnaryKinds().end()) {
    return {fs::OpOptions::Unary,
            fs::CreateUnary(b, it->second, n.Float("alpha", 0), n.Float("beta", 0),
                            n.Float("min", 0), n.Float("max", 0))
                .Union()};
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    return {fs::OpOptions::Softmax, fs::CreateSoftmax(b, I32(n.Int("axis", -1)), op == "LogSoftmax",
                                                      n.Int("coerce_2d", 0) != 0)
                                        .Union()};
  }
  if (op == "Concat") {
    return {fs::OpOptions::Concat, fs::CreateConcat(b, I32(n.Int("axis", 0))).Union()};
  }
  if (op == "Reshape") {
    const auto shape = n.Ints("shape");
    return {fs::OpOptions::Reshape, fs::CreateReshapeDirect(b, &shape).Union()};
  }
  if (op == "Transpose") {
    std::vector<int32_t> perm;
    for (int64_t p : n.Ints("perm")) perm.push_back(I32(p));
    return {fs::OpOptions::Transpose, fs::CreateTransposeDirect(b, &perm).Union()};
  }
  if (op == "Pad") {
    const auto pads = n.Ints("pads");
    const std::string mode = n.String("mode", "constant");
    const auto m = mode == "reflect" ? fs::PadMode::REFLECT
                   : mode == "edge"  ? fs::PadMode::EDGE
                                     : fs::PadMode::CONSTANT;
    return {fs::OpOptions::Pad, fs::CreatePadDirect(b, &pads, m, n.Float("value", 0)).Union()};
  }
  if (op == "Slice") {
    const auto starts = n.Ints("starts"), ends = n.Ints("ends"), steps = n.Ints("steps");
    return {fs::OpOptions::Slice, fs::CreateSliceDirect(b, &starts, &ends, &steps).Union()};
  }
  return {fs::OpOptions::NONE, 0};
}

// A constant's bytes as stored: int8 weights one byte each, everything else float.
Offset<fs::Quantization> WriteQuantization(FlatBufferBuilder& b, const Tensor& t) {
  if (!t.quantization) return 0;
  return fs::CreateQuantizationDirect(b, &t.quantization->scales, &t.quantization->zero_points,
                                      t.quantization->axis);
}

}  // namespace

Status WriteFrost(const Graph& g, const FileMetadata& meta, const ByteSink& sink) {
  // Tensor indices in first-use order: graph inputs, then as the nodes read and write them.
  std::vector<const Tensor*> tensors;
  std::map<std::string, int32_t> index;
  auto use = [&](const std::string& name) -> int32_t {
    if (name.empty()) return -1;
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    const Tensor* t = g.Find(name);
    if (!t) return -2;
    tensors.push_back(t);
    return index[name] = static_cast<int32_t>(tensors.size() - 1);
  };
  std::vector<int32_t> inputs, outputs;
  for (const std::string& in : g.inputs) inputs.push_back(use(in));
  FlatBufferBuilder b(1 << 16);
  std::vector<Offset<fs::Operator>> operators;
  for (const Node& n : g.nodes) {
    std::vector<int32_t> ins, outs;
    for (const std::string& in : n.inputs) ins.push_back(use(in));
    for (const std::string& out : n.outputs) outs.push_back(use(out));
    for (int32_t i : ins) {
      if (i == -2) return NodeError(g, n, "internal error: an input tensor is missing");
    }
    const auto [type, options] = WriteOptions(b, n);
    if (type == fs::OpOptions::NONE) return NodeError(g, n, "no .frost form for IR op " + n.op);
    operators.push_back(fs::CreateOperatorDirect(b, n.name.c_str(), type, options, &ins, &outs));
  }
  for (const std::string& out : g.outputs) outputs.push_back(use(out));
  const int32_t feature = g.feature_tensor.empty() ? -1 : use(g.feature_tensor);

  std::vector<fs::Buffer> buffers;
  std::vector<Offset<fs::Tensor>> tensor_tables;
  uint64_t data_size = 0;
  for (const Tensor* t : tensors) {
    int32_t buffer = -1;
    if (t->constant) {
      const uint64_t bytes = StoredBytes(*t);
      buffer = static_cast<int32_t>(buffers.size());
      buffers.emplace_back(data_size, bytes);
      data_size = AlignUp(data_size + bytes);
    }
    const std::vector<int64_t> shape = t->physical_shape();
    const auto layout = InPanels(*t)                  ? fs::Layout::PANELS32
                        : t->nhwc && t->rank() == 4 ? fs::Layout::NHWC
                                                    : fs::Layout::PLAIN;
    const auto type = t->dtype == DType::kInt8 ? fs::DataType::INT8
                      : t->store_fp16           ? fs::DataType::FLOAT16
                                                : fs::DataType::FLOAT32;
    const auto quantization = WriteQuantization(b, *t);
    tensor_tables.push_back(
        fs::CreateTensorDirect(b, t->name.c_str(), &shape, type, buffer, layout, quantization));
  }
  const auto preprocessing = fs::CreatePreprocessingDirect(
      b, meta.scale, &meta.mean, &meta.std,
      meta.bgr ? fs::ChannelOrder::BGR : fs::ChannelOrder::RGB, meta.crop_fraction);
  std::vector<Offset<flatbuffers::String>> labels;
  for (const std::string& label : meta.labels) labels.push_back(b.CreateString(label));
  const auto model = fs::CreateModelDirect(
      b, frost::kSchemaVersion, &tensor_tables, &buffers, &operators, &inputs, &outputs,
      preprocessing, meta.labels.empty() ? nullptr : &labels, feature, meta.source.c_str(),
      meta.producer.c_str(), g.batch_polymorphic);
  fs::FinishSizePrefixedModelBuffer(b, model);

  static const char kZeros[kAlignment] = {};
  const size_t header = b.GetSize();
  FROST_CONVERT_TRY(sink(b.GetBufferPointer(), header));
  FROST_CONVERT_TRY(sink(kZeros, AlignUp(header) - header));
  uint64_t written = 0;
  for (const Tensor* t : tensors) {
    if (!t->constant) continue;
    const uint64_t bytes = StoredBytes(*t);
    if (t->dtype == DType::kInt8) {
      FROST_CONVERT_TRY(sink(t->int8s.data(), bytes));
    } else {
      const void* values = t->floats.data();
      size_t element = sizeof(float);
      std::vector<uint16_t> halves;
      if (t->store_fp16) {
        halves.resize(t->floats.size());
        FloatsToHalves(t->floats.data(), t->floats.size(), halves.data());
        values = halves.data();
        element = sizeof(uint16_t);
      }
      if (InPanels(*t)) {
        std::vector<uint8_t> packed(bytes);
        PackPanels(values, t->shape[0], t->elements() / t->shape[0], element, packed.data());
        FROST_CONVERT_TRY(sink(packed.data(), bytes));
      } else {
        FROST_CONVERT_TRY(sink(values, bytes));
      }
    }
    written += bytes;
    FROST_CONVERT_TRY(sink(kZeros, AlignUp(written) - written));
    written = AlignUp(written);
  }
  return Status::Ok();
}

}  // namespace frost::convert
