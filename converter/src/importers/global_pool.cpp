// GlobalAveragePool and GlobalMaxPool: the average / maximum over each channel's whole
// H x W plane ([N, C, H, W] -> [N, C, 1, 1]). Frost supports 4-D inputs.
#include "importers/common.hpp"

namespace frost::convert {
namespace {

OpImporter GlobalPoolImporter(const char* op_type) {
  OpImporter op;
  op.op_type = op_type;
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 1, 1); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    if (x.rank() != 4) {
      return NodeError(
          g, n, "input has rank " + std::to_string(x.rank()) + "; frost supports 4-D inputs only");
    }
    SetOutput(g, n, 0, DType::kFloat, {x.shape[0], x.shape[1], 1, 1});
    return Status::Ok();
  };
  return op;
}

}  // namespace

OpImporter GlobalAveragePoolImporter() { return GlobalPoolImporter("GlobalAveragePool"); }
OpImporter GlobalMaxPoolImporter() { return GlobalPoolImporter("GlobalMaxPool"); }

}  // namespace frost::convert
