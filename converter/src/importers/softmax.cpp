// Softmax: y = exp(x) / sum(exp(x)) along an axis (see softmax.hpp for the opset rules).
#include "importers/softmax.hpp"

#include "importers/common.hpp"

namespace frost::convert {

OpImporter MakeSoftmaxImporter(const char* op_type) {
  OpImporter op;
  op.op_type = op_type;
  op.import = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(CheckAttributes(g, n, {"axis"}));
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
    n.SetInt("axis", n.Int("axis", g.opset < 13 ? 1 : -1));
    n.SetInt("coerce_2d", g.opset < 13);
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    int64_t axis = 0;
    FROST_CONVERT_TRY(NormalizeAxis(g, n, n.Int("axis", -1), x.rank(), "axis", &axis));
    n.SetInt("axis", axis);
    if (axis == x.rank() - 1) n.SetInt("coerce_2d", 0);
    SetOutput(g, n, 0, DType::kFloat, x.shape);
    return Status::Ok();
  };
  return op;
}

OpImporter SoftmaxImporter() { return MakeSoftmaxImporter("Softmax"); }

}  // namespace frost::convert
