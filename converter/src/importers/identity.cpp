// Identity: y = x. Removed by the remove_noops pass.
#include "importers/common.hpp"

namespace frost::convert {

OpImporter IdentityImporter() {
  OpImporter op;
  op.op_type = "Identity";
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 1, 1); };
  op.infer = [](Graph& g, Node& n) -> Status {
    SetOutput(g, n, 0, In(g, n, 0).dtype, In(g, n, 0).shape);
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
