// MaxPool: 2-D max pooling. ceil_mode (opset 10+) and auto_pad become explicit padding;
// the Indices output (declared but unused is fine) and storage_order are not supported.
#include "importers/common.hpp"
#include "importers/pool.hpp"

namespace frost::convert {

OpImporter MaxPoolImporter() {
  OpImporter op;
  op.op_type = "MaxPool";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 10 && (n.Has("ceil_mode") || n.Has("dilations"))) {
      return NodeError(g, n, "ceil_mode and dilations need opset 10 or newer");
    }
    FROST_CONVERT_TRY(CheckAttributes(g, n,
                                      {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads",
                                       "storage_order", "strides"}));
    if (n.Int("storage_order", 0) != 0) {
      return NodeError(g, n, "storage_order 1 (column-major indices) is not supported");
    }
    n.attrs.erase("storage_order");
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 2));
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(RequireUnused(g, n, 1, "the Indices output"));
    n.outputs.resize(1);
    return InferPool(g, n);
  };
  return op;
}

}  // namespace frost::convert
