// Expand: broadcasts the input against a shape (both ways, numpy rules). Only folded at
// conversion.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter ExpandImporter() {
  OpImporter op;
  op.op_type = "Expand";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 2, 2); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> shape, out;
    FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the shape input", &shape));
    if (!BroadcastShapes(x.shape, shape, &out)) {
      return NodeError(g, n, ShapeString(x.shape) + " does not broadcast to " + ShapeString(shape));
    }
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, out);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const std::vector<int64_t> out = Out(g, n, 0).shape;
    if (x.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, BroadcastTo(x.floats, x.shape, out));
    } else {
      SetOutputInts(g, n, 0, BroadcastTo(x.ints, x.shape, out));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
