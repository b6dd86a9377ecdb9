// Gather: takes the entries `indices` (negative from the end) of `data` along `axis`.
// Only folded at conversion (exporters use it to pick dims out of a Shape).
#include "importers/common.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

template <typename T>
std::vector<T> Take(const std::vector<T>& data, const std::vector<int64_t>& shape, int64_t axis,
                    const std::vector<int64_t>& indices) {
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= shape[i];
  for (size_t i = axis + 1; i < shape.size(); ++i) inner *= shape[i];
  std::vector<T> out;
  out.reserve(outer * indices.size() * inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t index : indices) {
      const auto begin = data.begin() + (o * shape[axis] + index) * inner;
      out.insert(out.end(), begin, begin + inner);
    }
  }
  return out;
}

}  // namespace

OpImporter GatherImporter() {
  OpImporter op;
  op.op_type = "Gather";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {"axis"}, 2, 2); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& data = In(g, n, 0);
    const Tensor& indices = In(g, n, 1);
    if (indices.dtype == DType::kFloat) return NodeError(g, n, "indices must be integers");
    int64_t axis = 0;
    FROST_CONVERT_TRY(NormalizeAxis(g, n, n.Int("axis", 0), data.rank(), "axis", &axis));
    std::vector<int64_t> out(data.shape.begin(), data.shape.begin() + axis);
    out.insert(out.end(), indices.shape.begin(), indices.shape.end());
    out.insert(out.end(), data.shape.begin() + axis + 1, data.shape.end());
    n.SetInt("axis", axis);
    SetOutput(g, n, 0, data.dtype, out);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& data = In(g, n, 0);
    const int64_t axis = n.Int("axis", 0), dim = data.shape[axis];
    std::vector<int64_t> indices = In(g, n, 1).ints;
    for (int64_t& i : indices) {
      if (i < -dim || i >= dim) {
        return NodeError(
            g, n, "index " + std::to_string(i) + " is out of range for " + std::to_string(dim));
      }
      if (i < 0) i += dim;
    }
    if (data.dtype == DType::kFloat) {
      SetOutputFloats(g, n, 0, Take(data.floats, data.shape, axis, indices));
    } else {
      SetOutputInts(g, n, 0, Take(data.ints, data.shape, axis, indices));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
