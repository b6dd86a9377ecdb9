// Unsqueeze: inserts size-1 axes at the listed positions of the output. The axes are an
// attribute before opset 13 and an input from 13; the IR keeps the resolved, non-negative
// list in attribute "axes". Becomes a Reshape (lower_reshapes).
#include <algorithm>

#include "importers/common.hpp"

namespace frost::convert {

OpImporter UnsqueezeImporter() {
  OpImporter op;
  op.op_type = "Unsqueeze";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 13) {
      if (!n.Has("axes")) return NodeError(g, n, "the axes attribute is required");
      return ImportWithAttributes(g, n, {"axes"}, 1, 1);
    }
    return ImportWithAttributes(g, n, {}, 2, 2);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> axes = n.Ints("axes");
    if (n.HasInput(1)) FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the axes input", &axes));
    const int64_t rank = x.rank() + static_cast<int64_t>(axes.size());
    std::vector<bool> added(rank, false);
    for (int64_t& a : axes) {
      FROST_CONVERT_TRY(NormalizeAxis(g, n, a, rank, "axis", &a));
      if (added[a]) return NodeError(g, n, "axis " + std::to_string(a) + " is listed twice");
      added[a] = true;
    }
    std::sort(axes.begin(), axes.end());
    std::vector<int64_t> out;
    size_t next = 0;
    for (int64_t i = 0; i < rank; ++i) out.push_back(added[i] ? 1 : x.shape[next++]);
    n.SetInts("axes", axes);
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, out);
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
