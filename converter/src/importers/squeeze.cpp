// Squeeze: removes the listed size-1 axes (all size-1 axes when none are listed). The axes
// are an attribute before opset 13 and an optional input from 13; the IR keeps the
// resolved, non-negative list in attribute "axes". Becomes a Reshape (lower_reshapes).
#include <algorithm>

#include "importers/common.hpp"

namespace frost::convert {

OpImporter SqueezeImporter() {
  OpImporter op;
  op.op_type = "Squeeze";
  op.import = [](Graph& g, Node& n) {
    if (g.opset < 13) return ImportWithAttributes(g, n, {"axes"}, 1, 1);
    return ImportWithAttributes(g, n, {}, 1, 2);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> axes = n.Ints("axes");
    if (n.HasInput(1)) FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the axes input", &axes));
    const bool all = axes.empty() && !n.HasInput(1) && !n.Has("axes");
    std::vector<bool> drop(x.shape.size(), false);
    for (int64_t& a : axes) {
      FROST_CONVERT_TRY(NormalizeAxis(g, n, a, x.rank(), "axis", &a));
      if (x.shape[a] != 1) {
        return NodeError(g, n,
                         "axis " + std::to_string(a) + " of " + ShapeString(x.shape) + " is not 1");
      }
      drop[a] = true;
    }
    std::vector<int64_t> out;
    std::vector<int64_t> resolved;
    for (int64_t i = 0; i < x.rank(); ++i) {
      if (drop[i] || (all && x.shape[i] == 1)) {
        resolved.push_back(i);
      } else {
        out.push_back(x.shape[i]);
      }
    }
    n.SetInts("axes", resolved);
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, out);
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
