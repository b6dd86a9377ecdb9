// Flatten: [d0 .. dn] -> [d0 * .. * d(axis-1), d(axis) * .. * dn] (axis default 1,
// negative from opset 11). Becomes a Reshape in the lower_reshapes pass.
#include "importers/common.hpp"

namespace frost::convert {

OpImporter FlattenImporter() {
  OpImporter op;
  op.op_type = "Flatten";
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {"axis"}, 1, 1); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    int64_t axis = n.Int("axis", 1);
    if (axis < -x.rank() || axis > x.rank()) {
      return NodeError(
          g, n,
          "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(x.rank()));
    }
    if (axis < 0) axis += x.rank();
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < x.rank(); ++i) (i < axis ? outer : inner) *= x.shape[i];
    n.SetInt("axis", axis);
    SetOutput(g, n, 0, x.dtype, {outer, inner});
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
