// BatchNormalization (inference): y = scale * (x - mean) / sqrt(var + epsilon) + B per
// channel (axis 1). Opsets before 7 need is_test=1 (their default is training), opsets
// before 9 carry `spatial` (only 1, the default, is supported), 14+
// `training_mode` (only 0); the training outputs (running mean/var) must be unused.
// The fold_batchnorm pass folds it into the preceding Conv/FullyConnected or lowers it to
// Mul + Add.
#include "importers/common.hpp"

namespace frost::convert {

OpImporter BatchNormalizationImporter() {
  OpImporter op;
  op.op_type = "BatchNormalization";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 7) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"epsilon", "momentum", "spatial", "is_test"}));
      if (n.Int("is_test", 0) != 1) {
        return NodeError(g, n,
                         "is_test=0 (training mode, the default before opset 7) is not "
                         "supported");
      }
      if (n.Int("spatial", 1) != 1) {
        return NodeError(g, n, "spatial=0 (statistics per element) is not supported");
      }
    } else if (g.opset < 9) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"epsilon", "momentum", "spatial"}));
      if (n.Int("spatial", 1) != 1) {
        return NodeError(g, n, "spatial=0 (statistics per element) is not supported");
      }
    } else if (g.opset < 14) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"epsilon", "momentum"}));
    } else {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"epsilon", "momentum", "training_mode"}));
      if (n.Int("training_mode", 0) != 0) {
        return NodeError(g, n, "training_mode=1 is not supported (inference only)");
      }
    }
    FROST_CONVERT_TRY(CheckInputCount(g, n, 5, 5));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 5));
    const float epsilon = n.Float("epsilon", 1e-5f);
    n.attrs.clear();
    n.SetFloat("epsilon", epsilon);
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(RequireFloatInputs(g, n));
    for (size_t i = 1; i < n.outputs.size(); ++i) {
      FROST_CONVERT_TRY(RequireUnused(g, n, i, "training output " + std::to_string(i)));
    }
    n.outputs.resize(1);
    const Tensor& x = In(g, n, 0);
    if (x.rank() < 2) return NodeError(g, n, "input must have rank 2 or more");
    const std::vector<int64_t> channels = {x.shape[1]};
    for (size_t i = 1; i < 5; ++i) {
      if (In(g, n, i).shape != channels) {
        return NodeError(g, n,
                         "parameter '" + n.input(i) + "' has shape " +
                             ShapeString(In(g, n, i).shape) + ", expected " +
                             ShapeString(channels));
      }
    }
    SetOutput(g, n, 0, DType::kFloat, x.shape);
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
