// MatMul: numpy matmul (1-D operands are promoted and the added axis dropped; leading
// axes broadcast). A constant 2-D B becomes a FullyConnected in the lower_gemm pass.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

OpImporter MatMulImporter() {
  OpImporter op;
  op.op_type = "MatMul";
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 2, 2); };
  op.infer = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(RequireFloatInputs(g, n));
    std::vector<int64_t> a = In(g, n, 0).shape, b = In(g, n, 1).shape;
    if (a.empty() || b.empty()) return NodeError(g, n, "inputs must have rank 1 or more");
    const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
    if (a_vector) a.insert(a.begin(), 1);
    if (b_vector) b.push_back(1);
    if (a.back() != b[b.size() - 2]) {
      return NodeError(g, n,
                       "inner dimensions differ: " + ShapeString(In(g, n, 0).shape) + " x " +
                           ShapeString(In(g, n, 1).shape));
    }
    std::vector<int64_t> batch;
    if (!BroadcastShapes({a.begin(), a.end() - 2}, {b.begin(), b.end() - 2}, &batch)) {
      return NodeError(g, n,
                       "leading dimensions do not broadcast: " + ShapeString(In(g, n, 0).shape) +
                           " x " + ShapeString(In(g, n, 1).shape));
    }
    std::vector<int64_t> out = batch;
    if (!a_vector) out.push_back(a[a.size() - 2]);
    if (!b_vector) out.push_back(b.back());
    SetOutput(g, n, 0, DType::kFloat, out);
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
