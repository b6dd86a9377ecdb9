#include "importers/pool.hpp"
#include "importers/common.hpp"
#include "importers/window.hpp"

namespace frost::convert {

Status InferPool(Graph& g, Node& n) {
  FROST_CONVERT_TRY(RequireFloatInputs(g, n));
  const Tensor& x = In(g, n, 0);
  if (x.rank() != 4) {
    return NodeError(g, n,
                     "input has rank " + std::to_string(x.rank()) +
                         "; frost supports 2-D pooling (4-D input) only");
  }
  std::vector<int64_t> kernel = n.Ints("kernel_shape");
  if (kernel.size() != 2 || kernel[0] < 1 || kernel[1] < 1) {
    return NodeError(g, n, "kernel_shape must hold 2 positive values");
  }
  Window2D w;
  FROST_CONVERT_TRY(ResolveWindow(g, n, {x.shape[2], x.shape[3]}, {kernel[0], kernel[1]},
                                  /*no_empty_windows=*/true, &w));
  if (w.ceil_extra[0] > 0 || w.ceil_extra[1] > 0) {
    n.SetInts("ceil_extra", {w.ceil_extra[0], w.ceil_extra[1]});
  }
  SetOutput(g, n, 0, DType::kFloat, {x.shape[0], x.shape[1], w.out[0], w.out[1]});
  return Status::Ok();
}

}  // namespace frost::convert
