// Transpose: permutes the axes by `perm` (default: reversed).
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter TransposeImporter() {
  OpImporter op;
  op.op_type = "Transpose";
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {"perm"}, 1, 1); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> perm = n.Ints("perm");
    if (!n.Has("perm")) {
      for (int64_t i = x.rank() - 1; i >= 0; --i) perm.push_back(i);
    }
    std::vector<bool> seen(x.shape.size(), false);
    bool valid = perm.size() == x.shape.size();
    for (int64_t p : perm) {
      if (!valid || p < 0 || p >= x.rank() || seen[p]) {
        valid = false;
        break;
      }
      seen[p] = true;
    }
    if (!valid) {
      return NodeError(g, n,
                       "perm is not a permutation of the " + std::to_string(x.rank()) +
                           " axes of " + ShapeString(x.shape));
    }
    n.SetInts("perm", perm);
    SetOutput(g, n, 0, x.dtype, PermuteShape(x.shape, perm));
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const std::vector<int64_t> perm = n.Ints("perm");
    if (x.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, Permute(x.floats, x.shape, perm));
    } else {
      SetOutputInts(g, n, 0, Permute(x.ints, x.shape, perm));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
