// Shape: the input's shape as int64 (opset 15 adds start/end). Folds as soon as the input's
// shape is known, which with a static batch is always: exporters' shape glue starts here.
#include <algorithm>

#include "importers/common.hpp"

namespace frost::convert {

OpImporter ShapeImporter() {
  OpImporter op;
  op.op_type = "Shape";
  op.has_kernel = false;
  op.folds_on_shapes = true;
  op.import = [](Graph& g, Node& n) {
    if (g.opset >= 15) return ImportWithAttributes(g, n, {"start", "end"}, 1, 1);
    return ImportWithAttributes(g, n, {}, 1, 1);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const int64_t rank = In(g, n, 0).rank();
    auto clamp = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    const int64_t start = clamp(n.Int("start", 0)), end = clamp(n.Int("end", rank));
    n.SetInt("start", start);
    n.SetInt("end", end);
    SetOutput(g, n, 0, DType::kInt64, {std::max<int64_t>(0, end - start)});
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const std::vector<int64_t>& shape = In(g, n, 0).shape;
    const int64_t start = n.Int("start", 0), end = n.Int("end", 0);
    std::vector<int64_t> values;
    for (int64_t i = start; i < end; ++i) values.push_back(shape[i]);
    SetOutputInts(g, n, 0, std::move(values));
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
