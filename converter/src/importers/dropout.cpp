// Dropout at inference: y = x. Opsets before 7 need is_test=1 (their default is training),
// opsets 7-11 have a `ratio` attribute, 12+ `seed` and the
// optional ratio and training_mode inputs; training_mode must be absent or a constant
// false, and the mask output must be unused. Removed by the remove_noops pass.
#include "importers/common.hpp"

namespace frost::convert {

OpImporter DropoutImporter() {
  OpImporter op;
  op.op_type = "Dropout";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 7) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"ratio", "is_test"}));
      if (n.Int("is_test", 0) != 1) {
        return NodeError(g, n,
                         "is_test=0 (training mode, the default before opset 7) is not "
                         "supported");
      }
      FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    } else if (g.opset < 12) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"ratio"}));
      FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    } else {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"seed"}));
      FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 3));
    }
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 2));
    n.attrs.clear();
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    if (n.HasInput(2)) {
      FROST_CONVERT_TRY(RequireConstant(g, n, 2, "the training_mode input"));
      const std::vector<int64_t> training = In(g, n, 2).IntValues();
      if (training.size() != 1 || training[0] != 0) {
        return NodeError(g, n, "training_mode true is not supported (inference only)");
      }
    }
    FROST_CONVERT_TRY(RequireUnused(g, n, 1, "the mask output"));
    n.inputs.resize(1);
    if (n.outputs.size() > 1) n.outputs.resize(1);
    SetOutput(g, n, 0, In(g, n, 0).dtype, In(g, n, 0).shape);
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
