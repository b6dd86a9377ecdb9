// Pad: modes constant (with a value), reflect and edge. Before opset 11 pads and value are
// attributes; from 11 they are inputs (constant after folding), and opset 18 adds an axes
// input. Infer resolves them into attributes "pads" ([begin_0.., end_0..] over every axis),
// "value" and "mode". Negative pads (cropping) are not supported.
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

// The input index that output index `i` of an axis of size `dim` reads; -1 for padding
// that takes the constant value.
int64_t SourceIndex(int64_t i, int64_t begin, int64_t dim, const std::string& mode) {
  int64_t j = i - begin;
  if (j >= 0 && j < dim) return j;
  if (mode == "constant") return -1;
  if (mode == "edge") return j < 0 ? 0 : dim - 1;
  // reflect: mirror without repeating the edge (pads are below dim, checked in infer).
  return j < 0 ? -j : 2 * (dim - 1) - j;
}

template <typename T>
std::vector<T> PadData(const std::vector<T>& data, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& pads, const std::vector<int64_t>& out_shape,
                       const std::string& mode, T value) {
  const size_t rank = shape.size();
  const std::vector<int64_t> strides = Strides(shape);
  std::vector<T> out(static_cast<size_t>(Product(out_shape)));
  std::vector<int64_t> index(rank, 0);
  for (size_t n = 0; n < out.size(); ++n) {
    int64_t offset = 0;
    bool inside = true;
    for (size_t a = 0; a < rank && inside; ++a) {
      const int64_t j = SourceIndex(index[a], pads[a], shape[a], mode);
      if (j < 0) inside = false;
      offset += j * strides[a];
    }
    out[n] = inside ? data[offset] : value;
    for (int a = static_cast<int>(rank) - 1; a >= 0; --a) {
      if (++index[a] < out_shape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

}  // namespace

OpImporter PadImporter() {
  OpImporter op;
  op.op_type = "Pad";
  op.import = [](Graph& g, Node& n) -> Status {
    if (g.opset >= 11) {
      return ImportWithAttributes(g, n, {"mode"}, 2, g.opset >= 18 ? 4 : 3);
    }
    FROST_CONVERT_TRY(CheckAttributes(g, n, {"mode", "pads", "value"}));
    FROST_CONVERT_TRY(CheckInputCount(g, n, 1, 1));
    FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
    if (!n.Has("pads")) return NodeError(g, n, "the pads attribute is required");
    const std::vector<int64_t> pads = n.Ints("pads");
    SetConstantInput(g, n, 1, "pads", {static_cast<int64_t>(pads.size())}, pads);
    SetFloatConstantInput(g, n, 2, "value", {}, {n.Float("value", 0.f)});
    n.attrs.erase("pads");
    n.attrs.erase("value");
    Append(g, n);
    return Status::Ok();
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const std::string mode = n.String("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge") {
      return NodeError(g, n, "mode '" + mode + "' is not supported (constant, reflect, edge)");
    }
    std::vector<int64_t> given, axes;
    FROST_CONVERT_TRY(ConstantInts(g, n, 1, "the pads input", &given));
    if (n.HasInput(3)) {
      FROST_CONVERT_TRY(ConstantInts(g, n, 3, "the axes input", &axes));
    } else {
      for (int64_t i = 0; i < x.rank(); ++i) axes.push_back(i);
    }
    if (given.size() != 2 * axes.size()) {
      return NodeError(g, n,
                       "pads has " + std::to_string(given.size()) + " values for " +
                           std::to_string(axes.size()) + " axes");
    }
    std::vector<int64_t> pads(2 * x.rank(), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      int64_t a = 0;
      FROST_CONVERT_TRY(NormalizeAxis(g, n, axes[i], x.rank(), "axis", &a));
      pads[a] = given[i];
      pads[a + x.rank()] = given[i + axes.size()];
    }
    float value = 0;
    if (n.HasInput(2)) {
      FROST_CONVERT_TRY(RequireConstant(g, n, 2, "the constant_value input"));
      const std::vector<float> v = In(g, n, 2).FloatValues();
      if (v.size() != 1) return NodeError(g, n, "constant_value must hold one value");
      value = v[0];
    }
    std::vector<int64_t> out = x.shape;
    for (int64_t a = 0; a < x.rank(); ++a) {
      const int64_t begin = pads[a], end = pads[a + x.rank()];
      if (begin < 0 || end < 0) return NodeError(g, n, "negative pads are not supported");
      if (mode == "reflect" && (begin >= x.shape[a] || end >= x.shape[a])) {
        return NodeError(g, n, "reflect pads must be smaller than the axis they pad");
      }
      out[a] += begin + end;
    }
    n.SetInts("pads", pads);
    n.SetFloat("value", value);
    n.SetString("mode", mode);
    n.inputs.resize(1);
    SetOutput(g, n, 0, x.dtype, out);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    const std::vector<int64_t> out_shape = Out(g, n, 0).shape;
    const std::vector<int64_t> pads = n.Ints("pads");
    const std::string mode = n.String("mode", "constant");
    if (x.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0,
                      PadData(x.floats, x.shape, pads, out_shape, mode, n.Float("value", 0)));
    } else {
      SetOutputInts(g, n, 0,
                    PadData<int64_t>(x.ints, x.shape, pads, out_shape, mode,
                                     static_cast<int64_t>(n.Float("value", 0))));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
