// Reshape: the shape (an attribute before opset 5, then an input, constant after folding)
// may hold one -1 (inferred) and 0s
// (copy the input's dim; with allowzero=1, opset 14+, a literal 0, which frost rejects
// since it makes an empty tensor). The resolved output shape is kept in attribute "shape".
#include "importers/common.hpp"

namespace frost::convert {

OpImporter ReshapeImporter() {
  OpImporter op;
  op.op_type = "Reshape";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset < 5) {
      FROST_CONVERT_TRY(CheckAttributes(g, n, {"shape"}));
      if (!n.Has("shape")) return NodeError(g, n, "the shape attribute is required");
      const std::vector<int64_t> shape = n.Ints("shape");
      SetConstantInput(g, n, 1, "shape", {static_cast<int64_t>(shape.size())}, shape);
      n.attrs.clear();
      return ImportWithAttributes(g, n, {}, 2, 2);
    }
    if (g.opset >= 14) return ImportWithAttributes(g, n, {"allowzero"}, 2, 2);
    return ImportWithAttributes(g, n, {}, 2, 2);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    std::vector<int64_t> target;
    FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the shape input", &target));
    const bool allow_zero = n.Int("allowzero", 0) != 0;
    int infer_at = -1;
    int64_t known = 1;
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] == 0 && allow_zero) {
        return NodeError(g, n, "allowzero=1 with a 0 in the shape makes an empty tensor");
      }
      if (target[i] == 0) {
        if (i >= x.shape.size()) {
          return NodeError(g, n,
                           "shape " + ShapeString(target) + " copies dim " + std::to_string(i) +
                               " that input " + ShapeString(x.shape) + " lacks");
        }
        target[i] = x.shape[i];
      } else if (target[i] == -1) {
        if (infer_at >= 0) return NodeError(g, n, "shape has more than one -1");
        infer_at = static_cast<int>(i);
        continue;
      } else if (target[i] < 0) {
        return NodeError(g, n, "shape " + ShapeString(target) + " has a negative value");
      }
      known *= target[i];
    }
    if (infer_at >= 0) {
      if (known == 0 || x.elements() % known != 0) {
        return NodeError(g, n,
                         "cannot reshape " + ShapeString(x.shape) + " to " + ShapeString(target));
      }
      target[infer_at] = x.elements() / known;
    } else if (known != x.elements()) {
      return NodeError(g, n,
                       "cannot reshape " + ShapeString(x.shape) + " (" +
                           std::to_string(x.elements()) + " elements) to " + ShapeString(target));
    }
    n.attrs.erase("allowzero");
    n.SetInts("shape", target);
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, target);
    return Status::Ok();
  };
  op.evaluate = EvaluateCopy;
  return op;
}

}  // namespace frost::convert
