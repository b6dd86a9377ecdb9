// Gemm: Y = alpha * A' B' + beta * C, with A' = transA ? A^T : A and B' likewise; C
// (optional from opset 11) broadcasts to [M, N] (before opset 7 only with broadcast=1,
// otherwise it has that shape already: both read the same). The lower_gemm pass turns it into a
// FullyConnected (constant B) or MatMul + Add.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter GemmImporter() {
  OpImporter op;
  op.op_type = "Gemm";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 7) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"alpha", "beta", "broadcast", "transA", "transB"}));
      n.attrs.erase("broadcast");
    }
    return ImportWithAttributes(g, n, {"alpha", "beta", "transA", "transB"}, g.opset < 11 ? 3 : 2,
                                3);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(RequireFloatInputs(g, n));
    const Tensor& a = In(g, n, 0);
    const Tensor& b = In(g, n, 1);
    if (a.rank() != 2 || b.rank() != 2) {
      return NodeError(
          g, n,
          "A " + ShapeString(a.shape) + " and B " + ShapeString(b.shape) + " must both be 2-D");
    }
    const bool ta = n.Int("transA", 0) != 0, tb = n.Int("transB", 0) != 0;
    const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
    const int64_t kb = tb ? b.shape[1] : b.shape[0], cols = tb ? b.shape[0] : b.shape[1];
    if (k != kb) {
      return NodeError(g, n,
                       "inner dimensions differ: A " + ShapeString(a.shape) + ", B " +
                           ShapeString(b.shape) + " (transA " + std::to_string(ta) + ", transB " +
                           std::to_string(tb) + ")");
    }
    if (n.HasInput(2)) {
      std::vector<int64_t> out;
      if (!BroadcastShapes(In(g, n, 2).shape, {m, cols}, &out) ||
          out != std::vector<int64_t>{m, cols}) {
        return NodeError(g, n,
                         "C " + ShapeString(In(g, n, 2).shape) + " does not broadcast to " +
                             ShapeString({m, cols}));
      }
    }
    SetOutput(g, n, 0, DType::kFloat, {m, cols});
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
