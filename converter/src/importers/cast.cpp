// Cast: converts between number types. Frost's IR knows float, int64 and bool: every float
// type (float16, double, ...) maps to float and every integer type to int64. A Cast of a
// float activation to a float type is removed (remove_noops); other Casts must fold.
#include "importers/common.hpp"
#include "onnx/onnx_pb.h"

namespace frost::convert {

OpImporter CastImporter() {
  OpImporter op;
  op.op_type = "Cast";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) -> Status {
    auto to = n.attrs.find("to");
    if (to != n.attrs.end() && to->second.kind == Attribute::Kind::kString) {
      // Before opset 6 the type is named ("FLOAT").
      onnx::TensorProto::DataType type;
      if (!onnx::TensorProto::DataType_Parse(to->second.s, &type)) {
        return NodeError(g, n, "unknown type '" + to->second.s + "'");
      }
      n.SetInt("to", type);
    }
    FROST_CONVERT_TRY(ImportWithAttributes(g, n, {"to"}, 1, 1));
    Node& added = g.nodes.back();
    switch (added.Int("to", 0)) {
      case onnx::TensorProto::FLOAT:
      case onnx::TensorProto::DOUBLE:
      case onnx::TensorProto::FLOAT16:
      case onnx::TensorProto::BFLOAT16:
        added.SetString("to_type", "float");
        break;
      case onnx::TensorProto::BOOL:
        added.SetString("to_type", "bool");
        break;
      case onnx::TensorProto::INT8:
      case onnx::TensorProto::UINT8:
      case onnx::TensorProto::INT16:
      case onnx::TensorProto::UINT16:
      case onnx::TensorProto::INT32:
      case onnx::TensorProto::UINT32:
      case onnx::TensorProto::INT64:
      case onnx::TensorProto::UINT64:
        added.SetString("to_type", "int64");
        break;
      default:
        return NodeError(
            g, added, "cast to type " + std::to_string(added.Int("to", 0)) + " is not supported");
    }
    added.attrs.erase("to");
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const std::string to = n.String("to_type", "float");
    const DType type = to == "float" ? DType::kFloat : to == "bool" ? DType::kBool : DType::kInt64;
    SetOutput(g, n, 0, type, In(g, n, 0).shape);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const std::string to = n.String("to_type", "float");
    if (to == "float") {
      SetOutputFloats(g, n, 0, x.FloatValues());
    } else if (to == "int64") {
      SetOutputInts(g, n, 0, x.IntValues());  // float -> int truncates toward zero
    } else {
      std::vector<int64_t> values;
      if (x.dtype == DType::kFloat) {
        for (float v : x.floats) values.push_back(v != 0.f);
      } else {
        for (int64_t v : x.ints) values.push_back(v != 0);
      }
      SetOutputInts(g, n, 0, std::move(values));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
