// Range: start, start + delta, ... up to (not including) limit; three scalar inputs.
// Only folded at conversion.
#include <algorithm>
#include <cmath>

#include "importers/common.hpp"

namespace frost::convert {

OpImporter RangeImporter() {
  OpImporter op;
  op.op_type = "Range";
  op.has_kernel = false;
  op.import = [](Graph& g, Node& n) { return ImportWithAttributes(g, n, {}, 3, 3); };
  op.infer = [](Graph& g, Node& n) -> Status {
    const char* roles[] = {"the start input", "the limit input", "the delta input"};
    double v[3];
    for (size_t i = 0; i < 3; ++i) {
      FROST_CONVERT_TRY(RequireConstant(g, n, i, roles[i]));
      const Tensor& t = In(g, n, i);
      if (t.elements() != 1) return NodeError(g, n, std::string(roles[i]) + " must be a scalar");
      v[i] = t.dtype == DType::kFloat ? t.floats[0] : static_cast<double>(t.ints[0]);
    }
    if (v[2] == 0) return NodeError(g, n, "delta is 0");
    const int64_t count =
        std::max<int64_t>(0, static_cast<int64_t>(std::ceil((v[1] - v[0]) / v[2])));
    SetOutput(g, n, 0, In(g, n, 0).dtype, {count});
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const Tensor& start = In(g, n, 0);
    const Tensor& delta = In(g, n, 2);
    const int64_t count = Out(g, n, 0).shape[0];
    if (start.dtype == DType::kFloat) {
      std::vector<float> values(count);
      for (int64_t i = 0; i < count; ++i) values[i] = start.floats[0] + i * delta.floats[0];
      SetOutputFloats(g, n, 0, std::move(values));
    } else {
      std::vector<int64_t> values(count);
      for (int64_t i = 0; i < count; ++i) values[i] = start.ints[0] + i * delta.ints[0];
      SetOutputInts(g, n, 0, std::move(values));
    }
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
