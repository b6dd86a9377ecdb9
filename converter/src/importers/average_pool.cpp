// AveragePool: 2-D average pooling. count_include_pad (default 0) decides whether the
// padding counts toward the average; ceil_mode (opset 10+) and auto_pad become explicit
// padding; dilations need opset 19, newer than frost reads.
#include "importers/common.hpp"
#include "importers/pool.hpp"

namespace frost::convert {

OpImporter AveragePoolImporter() {
  OpImporter op;
  op.op_type = "AveragePool";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 10 && n.Has("ceil_mode")) {
      return NodeError(g, n, "ceil_mode needs opset 10 or newer");
    }
    FROST_CONVERT_TRY(CheckAttributes(
        g, n, {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"}));
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
    n.SetInt("count_include_pad", n.Int("count_include_pad", 0) != 0);
    Append(g, n);
    return Status::Ok();
  };
  op.infer = InferPool;
  return op;
}

}  // namespace frost::convert
