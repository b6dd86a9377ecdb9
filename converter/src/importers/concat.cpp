// Concat: joins the inputs along `axis` (required from opset 4, default 1 before; negative
// from opset 11); all other dimensions must agree. Folds for constant inputs (shape vectors in
// exporter glue).
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

template <typename T>
std::vector<T> Join(const Graph& g, const Node& n, int64_t axis, std::vector<T> Tensor::*field) {
  const Tensor& first = In(g, n, 0);
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= first.shape[i];
  std::vector<T> out;
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const Tensor& t = In(g, n, i);
      if (t.elements() == 0) continue;
      const int64_t block = t.elements() / outer;
      const auto& data = t.*field;
      out.insert(out.end(), data.begin() + o * block, data.begin() + (o + 1) * block);
    }
  }
  return out;
}

}  // namespace

OpImporter ConcatImporter() {
  OpImporter op;
  op.op_type = "Concat";
  op.import = [](Graph& g, Node& n) -> Status {
    if (!n.Has("axis") && g.opset >= 4) return NodeError(g, n, "the axis attribute is required");
    if (!n.Has("axis")) n.SetInt("axis", 1);
    return ImportWithAttributes(g, n, {"axis"}, 1, 100000);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& first = In(g, n, 0);
    int64_t axis = 0;
    FROST_CONVERT_TRY(NormalizeAxis(g, n, n.Int("axis", 0), first.rank(), "axis", &axis));
    std::vector<int64_t> shape = first.shape;
    for (size_t i = 1; i < n.inputs.size(); ++i) {
      const Tensor& t = In(g, n, i);
      bool same = t.rank() == first.rank() && t.dtype == first.dtype;
      for (int64_t d = 0; same && d < t.rank(); ++d) {
        if (d != axis && t.shape[d] != first.shape[d]) same = false;
      }
      if (!same) {
        return NodeError(g, n,
                         "input '" + t.name + "' " + ShapeString(t.shape) + " (" +
                             DTypeName(t.dtype) + ") does not match '" + first.name + "' " +
                             ShapeString(first.shape) + " (" + DTypeName(first.dtype) +
                             ") outside axis " + std::to_string(axis));
      }
      shape[axis] += t.shape[axis];
    }
    n.SetInt("axis", axis);
    SetOutput(g, n, 0, first.dtype, shape);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const int64_t axis = n.Int("axis", 0);
    if (In(g, n, 0).dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, Join(g, n, axis, &Tensor::floats));
    } else {
      SetOutputInts(g, n, 0, Join(g, n, axis, &Tensor::ints));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
