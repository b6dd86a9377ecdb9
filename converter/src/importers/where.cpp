// Where: condition ? X : Y elementwise, all three broadcast. Only folded at conversion.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

template <typename T>
std::vector<T> Select(const Tensor& c, const std::vector<T>& x, const std::vector<int64_t>& xs,
                      const std::vector<T>& y, const std::vector<int64_t>& ys,
                      const std::vector<int64_t>& out_shape) {
  const std::vector<int64_t> oc = BroadcastOffsets(c.shape, out_shape);
  const std::vector<int64_t> ox = BroadcastOffsets(xs, out_shape);
  const std::vector<int64_t> oy = BroadcastOffsets(ys, out_shape);
  std::vector<T> out(oc.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = c.ints[oc[i]] ? x[ox[i]] : y[oy[i]];
  return out;
}

}  // namespace

OpImporter WhereImporter() {
  OpImporter op;
  op.op_type = "Where";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 3, 3); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& c = In(g, n, 0);
    const Tensor& x = In(g, n, 1);
    const Tensor& y = In(g, n, 2);
    if (c.dtype != DType::kBool) return NodeError(g, n, "condition must be bool");
    if (x.dtype != y.dtype) return NodeError(g, n, "X and Y have different types");
    std::vector<int64_t> shape, out;
    if (!BroadcastShapes(c.shape, x.shape, &shape) || !BroadcastShapes(shape, y.shape, &out)) {
      return NodeError(g, n, "condition, X and Y shapes do not broadcast");
    }
    SetOutput(g, n, 0, x.dtype, out);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& c = In(g, n, 0);
    const Tensor& x = In(g, n, 1);
    const Tensor& y = In(g, n, 2);
    const std::vector<int64_t> out = Out(g, n, 0).shape;
    if (x.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, Select(c, x.floats, x.shape, y.floats, y.shape, out));
    } else {
      SetOutputInts(g, n, 0, Select(c, x.ints, x.shape, y.ints, y.shape, out));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
