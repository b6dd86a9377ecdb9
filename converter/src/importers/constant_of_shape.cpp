// ConstantOfShape: a tensor of the given shape filled with `value` (a one-element tensor,
// default float 0). Only folded at conversion; its shape input must fold to a constant.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter ConstantOfShapeImporter() {
  OpImporter op;
  op.op_type = "ConstantOfShape";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) -> Status {
    auto it = n.attrs.find("value");
    if (it != n.attrs.end() &&
        (it->second.kind != Attribute::Kind::kTensor || it->second.tensor->elements() != 1)) {
      return NodeError(g, n, "value must be a tensor with one element");
    }
    return ImportWithAttributes(g, n, {"value"}, 1, 1);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    std::vector<int64_t> shape;
    FROST_CONVERT_TRY(ConstantInts(g, n, 0, "the shape input", &shape));
    for (int64_t d : shape) {
      if (d < 0) return NodeError(g, n, "shape " + ShapeString(shape) + " has a negative dim");
    }
    auto it = n.attrs.find("value");
    SetOutput(g, n, 0, it == n.attrs.end() ? DType::kFloat : it->second.tensor->dtype, shape);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const size_t count = static_cast<size_t>(Product(Out(g, n, 0).shape));
    auto it = n.attrs.find("value");
    if (it == n.attrs.end()) {
      SetOutputFloats(g, n, 0, std::vector<float>(count, 0.f));
    } else if (it->second.tensor->dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, std::vector<float>(count, it->second.tensor->floats[0]));
    } else {
      SetOutputInts(g, n, 0, std::vector<int64_t>(count, it->second.tensor->ints[0]));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
