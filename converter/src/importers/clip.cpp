// Clip: y = min(max(x, min), max). Before opset 11 min and max are attributes (default
// -inf / +inf); from 11 they are optional inputs (constant after folding). The IR keeps
// them as attributes "min" and "max".
#include <limits>

#include "importers/common.hpp"

namespace frost::convert {

OpImporter ClipImporter() {
  OpImporter op;
  op.op_type = "Clip";
  op.import = [](Graph& g, Node& n) -> Status {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    if (g.opset >= 11) {
      FROST_CONVERT_TRY(ImportWithAttributes(g, n, {}, 1, 3));
      g.nodes.back().SetFloat("min", -kInf);
      g.nodes.back().SetFloat("max", kInf);
      return Status::Ok();
    }
    FROST_CONVERT_TRY(CheckAttributes(g, n, {"min", "max"}));
    n.SetFloat("min", n.Float("min", -kInf));
    n.SetFloat("max", n.Float("max", kInf));
    return ImportWithAttributes(g, n, {"min", "max"}, 1, 1);
  };
  op.infer = [](Graph& g, Node& n) -> Status {
    const Tensor& x = In(g, n, 0);
    if (x.dtype != DType::kFloat) return NodeError(g, n, "frost computes Clip on float only");
    const char* keys[] = {"", "min", "max"};
    for (size_t i = 1; i < 3; ++i) {
      if (!n.HasInput(i)) continue;
      FROST_CONVERT_TRY(RequireConstant(g, n, i, std::string("the ") + keys[i] + " input"));
      const std::vector<float> v = In(g, n, i).FloatValues();
      if (v.size() != 1) return NodeError(g, n, std::string(keys[i]) + " must be a scalar");
      n.SetFloat(keys[i], v[0]);
    }
    n.inputs.resize(1);
    SetOutput(g, n, 0, DType::kFloat, x.shape);
    return Status::Ok();
  };
  op.evaluate = [](Graph& g, const Node& n) -> Status {
    const float lo = n.Float("min", 0), hi = n.Float("max", 0);
    std::vector<float> values = In(g, n, 0).floats;
    for (float& v : values) v = v < lo ? lo : v > hi ? hi : v;
    SetOutputFloats(g, n, 0, std::move(values));
    return Status::Ok();
  };
  return op;
}

}  // namespace frost::convert
