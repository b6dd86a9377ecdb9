// Conv: 2-D convolution (4-D NCHW input, weight [M, C/group, kH, kW], optional bias [M]).
// auto_pad is resolved into explicit pads once the input size is known.
#include "importers/common.hpp"
#include "importers/window.hpp"

namespace frost::convert {

OpImporter ConvImporter() {
  OpImporter op;
  op.op_type = "Conv";
  op.import = [](Graph& g, Node& n) {
    return ImportWithAttributes(
        g, n, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}, 2, 3);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    FROST_CONVERT_TRY(RequireFloatInputs(g, n));
    const Tensor& x = In(g, n, 0);
    const Tensor& w = In(g, n, 1);
    if (x.rank() != 4) {
      return NodeError(g, n,
                       "input has rank " + std::to_string(x.rank()) +
                           "; frost supports 2-D convolution (4-D input) only");
    }
    if (w.rank() != 4)
      return NodeError(g, n, "weight must have rank 4, has " + ShapeString(w.shape));
    const int64_t group = n.Int("group", 1);
    if (group < 1 || x.shape[1] % group != 0 || w.shape[0] % group != 0 ||
        w.shape[1] * group != x.shape[1]) {
      return NodeError(g, n,
                       "input channels " + std::to_string(x.shape[1]) + ", weight " +
                           ShapeString(w.shape) + " and group " + std::to_string(group) +
                           " do not agree");
    }
    if (n.Has("kernel_shape") &&
        n.Ints("kernel_shape") != std::vector<int64_t>{w.shape[2], w.shape[3]}) {
      return NodeError(g, n, "kernel_shape does not match the weight " + ShapeString(w.shape));
    }
    if (n.HasInput(2) && In(g, n, 2).shape != std::vector<int64_t>{w.shape[0]}) {
      return NodeError(g, n,
                       "bias shape " + ShapeString(In(g, n, 2).shape) + " is not [" +
                           std::to_string(w.shape[0]) + "]");
    }
    n.SetInt("group", group);
    Window2D win;
    FROST_CONVERT_TRY(ResolveWindow(g, n, {x.shape[2], x.shape[3]}, {w.shape[2], w.shape[3]},
                                    /*no_empty_windows=*/false, &win));
    SetOutput(g, n, 0, DType::kFloat, {x.shape[0], w.shape[0], win.out[0], win.out[1]});
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
