#include "onnx_loader.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>

#include "importer.hpp"
#include "onnx/onnx_pb.h"

namespace frost::convert {
namespace {

using onnx::AttributeProto;
using onnx::TensorProto;

float HalfToFloat(uint16_t h) {
  const int sign = (h >> 15) & 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  float v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    v = mantissa ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -v : v;
}

float BFloat16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

template <typename T>
T ReadRaw(const std::string& raw, size_t index) {
  T v;
  std::memcpy(&v, raw.data() + index * sizeof(T), sizeof(T));
  return v;
}

size_t ItemSize(int type) {
  switch (type) {
    case TensorProto::FLOAT:
    case TensorProto::INT32:
    case TensorProto::UINT32:
      return 4;
    case TensorProto::DOUBLE:
    case TensorProto::INT64:
    case TensorProto::UINT64:
      return 8;
    case TensorProto::FLOAT16:
    case TensorProto::BFLOAT16:
    case TensorProto::INT16:
    case TensorProto::UINT16:
      return 2;
    case TensorProto::INT8:
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      return 1;
    default:
      return 0;
  }
}

// Value `i` of a tensor stored in raw_data, as double (exact for every int up to 2^53, and
// the int64 path below avoids even that limit).
double RawValue(const std::string& raw, int type, size_t i) {
  switch (type) {
    case TensorProto::FLOAT:
      return ReadRaw<float>(raw, i);
    case TensorProto::DOUBLE:
      return ReadRaw<double>(raw, i);
    case TensorProto::FLOAT16:
      return HalfToFloat(ReadRaw<uint16_t>(raw, i));
    case TensorProto::BFLOAT16:
      return BFloat16ToFloat(ReadRaw<uint16_t>(raw, i));
    case TensorProto::INT8:
      return ReadRaw<int8_t>(raw, i);
    case TensorProto::UINT8:
      return ReadRaw<uint8_t>(raw, i);
    case TensorProto::BOOL:
      return ReadRaw<uint8_t>(raw, i) != 0;
    case TensorProto::INT16:
      return ReadRaw<int16_t>(raw, i);
    case TensorProto::UINT16:
      return ReadRaw<uint16_t>(raw, i);
    case TensorProto::INT32:
      return ReadRaw<int32_t>(raw, i);
    case TensorProto::UINT32:
      return ReadRaw<uint32_t>(raw, i);
    default:
      return 0;
  }
}

int64_t RawInt(const std::string& raw, int type, size_t i) {
  if (type == TensorProto::INT64) return ReadRaw<int64_t>(raw, i);
  if (type == TensorProto::UINT64) return static_cast<int64_t>(ReadRaw<uint64_t>(raw, i));
  return static_cast<int64_t>(RawValue(raw, type, i));
}

// Value `i` from the typed repeated fields (int32_data also carries the 8/16-bit types and
// the bit patterns of float16/bfloat16).
double TypedValue(const TensorProto& p, int type, size_t i) {
  switch (type) {
    case TensorProto::FLOAT:
      return p.float_data(i);
    case TensorProto::DOUBLE:
      return p.double_data(i);
    case TensorProto::FLOAT16:
      return HalfToFloat(static_cast<uint16_t>(p.int32_data(i)));
    case TensorProto::BFLOAT16:
      return BFloat16ToFloat(static_cast<uint16_t>(p.int32_data(i)));
    case TensorProto::INT64:
      return static_cast<double>(p.int64_data(i));
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      return static_cast<double>(p.uint64_data(i));
    case TensorProto::BOOL:
      return p.int32_data(i) != 0;
    default:
      return p.int32_data(i);
  }
}

size_t TypedCount(const TensorProto& p, int type) {
  switch (type) {
    case TensorProto::FLOAT:
      return p.float_data_size();
    case TensorProto::DOUBLE:
      return p.double_data_size();
    case TensorProto::INT64:
      return p.int64_data_size();
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      return p.uint64_data_size();
    default:
      return p.int32_data_size();
  }
}

bool IsFloatType(int type) {
  return type == TensorProto::FLOAT || type == TensorProto::DOUBLE ||
         type == TensorProto::FLOAT16 || type == TensorProto::BFLOAT16;
}

}  // namespace

Status DecodeTensor(const TensorProto& p, const std::string& what, Tensor* out) {
  const int type = p.data_type();
  if (p.data_location() == TensorProto::EXTERNAL || p.external_data_size() > 0) {
    return Status::Error(what +
                         " keeps its data in an external file; frost reads only "
                         "self-contained ONNX files (save the model without external data)");
  }
  if (ItemSize(type) == 0) {
    return Status::Error(what + " has data type " +
                         TensorProto::DataType_Name(static_cast<TensorProto::DataType>(type)) +
                         ", which frost does not read");
  }
  out->shape.assign(p.dims().begin(), p.dims().end());
  out->shape_known = true;
  out->constant = true;
  size_t count = 1;
  for (int64_t d : out->shape) {
    if (d < 0) return Status::Error(what + " has a negative dimension");
    count *= static_cast<size_t>(d);
  }
  const bool raw = p.has_raw_data();
  const size_t stored = raw ? p.raw_data().size() / ItemSize(type) : TypedCount(p, type);
  if (raw && p.raw_data().size() % ItemSize(type) != 0) {
    return Status::Error(what + ": raw_data is not a whole number of elements");
  }
  if (stored != count) {
    return Status::Error(what + " has " + std::to_string(stored) + " values but its shape " +
                         ShapeString(out->shape) + " needs " + std::to_string(count));
  }
  if (IsFloatType(type)) {
    out->dtype = DType::kFloat;
    out->floats.resize(count);
    if (raw && type == TensorProto::FLOAT) {  // the common case, and the large one
      std::memcpy(out->floats.data(), p.raw_data().data(), count * sizeof(float));
      return Status::Ok();
    }
    for (size_t i = 0; i < count; ++i) {
      out->floats[i] =
          static_cast<float>(raw ? RawValue(p.raw_data(), type, i) : TypedValue(p, type, i));
    }
  } else {
    out->dtype = type == TensorProto::BOOL ? DType::kBool : DType::kInt64;
    out->ints.resize(count);
    for (size_t i = 0; i < count; ++i) {
      if (raw) {
        out->ints[i] = RawInt(p.raw_data(), type, i);
      } else if (type == TensorProto::INT64) {
        out->ints[i] = p.int64_data(i);
      } else {
        out->ints[i] = static_cast<int64_t>(TypedValue(p, type, i));
      }
    }
  }
  return Status::Ok();
}

namespace {

Status ReadModel(const std::string& path, onnx::ModelProto* model) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  google::protobuf::io::FileInputStream file(fd);
  file.SetCloseOnDelete(true);
  google::protobuf::io::CodedInputStream coded(&file);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    return Status::Error(path + " is not a valid ONNX model (protobuf parse failed)");
  }
  return Status::Ok();
}

Status ReadOpset(const onnx::ModelProto& model, const std::string& path, int* opset) {
  *opset = 0;
  for (const auto& entry : model.opset_import()) {
    if (entry.domain().empty() || entry.domain() == "ai.onnx") {
      *opset = static_cast<int>(entry.version());
    }
  }
  if (*opset == 0) return Status::Error(path + " imports no opset of the default ONNX domain");
  if (*opset < kMinOpset || *opset > kMaxOpset) {
    return Status::Error(path + " uses opset " + std::to_string(*opset) + "; frost supports " +
                         std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset));
  }
  return Status::Ok();
}

Status ReadInput(const onnx::ValueInfoProto& info, int64_t batch, Graph* graph) {
  const std::string what = "graph input '" + info.name() + "'";
  if (!info.type().has_tensor_type()) return Status::Error(what + " is not a tensor");
  const auto& tensor_type = info.type().tensor_type();
  if (tensor_type.elem_type() != TensorProto::FLOAT) {
    return Status::Error(
        what + " has element type " +
        TensorProto::DataType_Name(static_cast<TensorProto::DataType>(tensor_type.elem_type())) +
        "; frost models take float32 inputs");
  }
  if (!tensor_type.has_shape()) return Status::Error(what + " has no shape");
  Tensor& t = graph->At(info.name());
  t.dtype = DType::kFloat;
  t.shape_known = true;
  const auto& dims = tensor_type.shape().dim();
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i].has_dim_value() && dims[i].dim_value() > 0) {
      t.shape.push_back(dims[i].dim_value());
    } else if (i == 0) {
      t.shape.push_back(batch);  // the symbolic (or unknown) batch axis
    } else {
      return Status::Error(what + " dimension " + std::to_string(i) + " is '" +
                           dims[i].dim_param() +
                           "': frost needs every dimension but the batch (0) to be fixed");
    }
  }
  graph->inputs.push_back(info.name());
  return Status::Ok();
}

Status ConvertAttribute(const AttributeProto& a, const Graph& graph, const Node& node,
                        Attribute* out) {
  switch (a.type()) {
    case AttributeProto::INT:
      out->kind = Attribute::Kind::kInt;
      out->i = a.i();
      break;
    case AttributeProto::FLOAT:
      out->kind = Attribute::Kind::kFloat;
      out->f = a.f();
      break;
    case AttributeProto::STRING:
      out->kind = Attribute::Kind::kString;
      out->s = a.s();
      break;
    case AttributeProto::INTS:
      out->kind = Attribute::Kind::kInts;
      out->ints.assign(a.ints().begin(), a.ints().end());
      break;
    case AttributeProto::FLOATS:
      out->kind = Attribute::Kind::kFloats;
      out->floats.assign(a.floats().begin(), a.floats().end());
      break;
    case AttributeProto::TENSOR: {
      auto t = std::make_shared<Tensor>();
      FROST_CONVERT_TRY(
          DecodeTensor(a.t(), "node '" + node.name + "' attribute '" + a.name() + "'", t.get()));
      out->kind = Attribute::Kind::kTensor;
      out->tensor = std::move(t);
      break;
    }
    default:
      return NodeError(graph, node, "attribute '" + a.name() + "' has a type frost does not read");
  }
  return Status::Ok();
}

// A Constant node's value becomes a constant tensor named after its output.
Status ImportConstant(const Graph& graph, const Node& node, Tensor* out) {
  if (node.attrs.size() != 1) {
    return NodeError(graph, node, "needs exactly one value attribute");
  }
  const auto& [key, a] = *node.attrs.begin();
  out->constant = true;
  out->shape_known = true;
  if (key == "value" && a.kind == Attribute::Kind::kTensor) {
    const std::string name = out->name;
    *out = *a.tensor;
    out->name = name;
  } else if (key == "value_float" && a.kind == Attribute::Kind::kFloat) {
    out->dtype = DType::kFloat;
    out->floats = {a.f};
  } else if (key == "value_floats" && a.kind == Attribute::Kind::kFloats) {
    out->dtype = DType::kFloat;
    out->shape = {static_cast<int64_t>(a.floats.size())};
    out->floats = a.floats;
  } else if (key == "value_int" && a.kind == Attribute::Kind::kInt) {
    out->dtype = DType::kInt64;
    out->ints = {a.i};
  } else if (key == "value_ints" && a.kind == Attribute::Kind::kInts) {
    out->dtype = DType::kInt64;
    out->shape = {static_cast<int64_t>(a.ints.size())};
    out->ints = a.ints;
  } else {
    return NodeError(graph, node, "unsupported value attribute '" + key + "'");
  }
  return Status::Ok();
}

Status ImportNode(const onnx::NodeProto& proto, size_t index, Graph* graph) {
  Node node;
  node.op = node.onnx_op = proto.op_type();
  node.name = !proto.name().empty() ? proto.name()
              : proto.output_size() && !proto.output(0).empty()
                  ? proto.output(0)
                  : proto.op_type() + "_" + std::to_string(index);
  node.inputs.assign(proto.input().begin(), proto.input().end());
  node.outputs.assign(proto.output().begin(), proto.output().end());
  if (!proto.domain().empty() && proto.domain() != "ai.onnx") {
    return NodeError(*graph, node, "operator domain '" + proto.domain() + "' is not supported");
  }
  for (const std::string& in : node.inputs) {
    if (!in.empty() && !graph->Find(in)) {
      return NodeError(*graph, node, "input '" + in + "' is not produced by any earlier node");
    }
  }
  for (const std::string& out : node.outputs) {
    if (!out.empty() && graph->Find(out)) {
      return NodeError(*graph, node, "output '" + out + "' is already defined");
    }
  }
  const OpImporter* importer = node.op == "Constant" ? nullptr : FindImporter(node.op);
  if (node.op != "Constant" && !importer) {
    return NodeError(*graph, node, "operator not supported by frost");
  }
  for (const AttributeProto& a : proto.attribute()) {
    if (!a.ref_attr_name().empty()) {
      return NodeError(*graph, node, "attribute '" + a.name() + "' refers to a function");
    }
    FROST_CONVERT_TRY(ConvertAttribute(a, *graph, node, &node.attrs[a.name()]));
  }
  if (node.op == "Constant") {
    if (node.outputs.size() != 1) return NodeError(*graph, node, "needs exactly one output");
    Tensor& t = graph->At(node.outputs[0]);
    return ImportConstant(*graph, node, &t);
  }
  for (const std::string& out : node.outputs) {
    if (!out.empty()) graph->At(out);
  }
  return importer->import(*graph, node);
}

}  // namespace

Status LoadOnnx(const std::string& path, int64_t batch, Graph* graph) {
  if (batch < 1) return Status::Error("the batch size must be at least 1");
  onnx::ModelProto model;
  FROST_CONVERT_TRY(ReadModel(path, &model));
  FROST_CONVERT_TRY(ReadOpset(model, path, &graph->opset));
  graph->batch = batch;
  const onnx::GraphProto& g = model.graph();
  if (g.sparse_initializer_size() > 0) {
    return Status::Error(path + " has sparse initializers, which frost does not read");
  }
  for (TensorProto& init : *model.mutable_graph()->mutable_initializer()) {
    if (init.name().empty()) return Status::Error(path + " has an initializer with no name");
    Tensor& t = graph->At(init.name());
    FROST_CONVERT_TRY(DecodeTensor(init, "initializer '" + init.name() + "'", &t));
    // The decoded copy is all that is needed: keep the peak at one copy of the weights.
    std::string().swap(*init.mutable_raw_data());  // clear() would keep the capacity
    init.clear_float_data();
  }
  for (const onnx::ValueInfoProto& input : g.input()) {
    // Old exporters list initializers as inputs too; the initializer wins.
    if (graph->IsConstant(input.name())) continue;
    FROST_CONVERT_TRY(ReadInput(input, batch, graph));
  }
  if (graph->inputs.empty()) return Status::Error(path + " has no graph input to feed");
  for (int i = 0; i < g.node_size(); ++i) {
    FROST_CONVERT_TRY(ImportNode(g.node(i), static_cast<size_t>(i), graph));
  }
  for (const onnx::ValueInfoProto& output : g.output()) {
    if (!graph->Find(output.name())) {
      return Status::Error("graph output '" + output.name() + "' is not produced by any node");
    }
    graph->outputs.push_back(output.name());
  }
  if (graph->outputs.empty()) return Status::Error(path + " has no graph output");
  return Status::Ok();
}

}  // namespace frost::convert
