// conv_weights_ohwi: Conv weights go from ONNX's [O, I/groups, KH, KW] to the runtime's
// [O, KH, KW, I/groups] (a weight shared by several Convs is converted once).
#include <map>

#include "passes/pass.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

Status ConvWeightsOhwiPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, std::string> converted;
  for (Node& n : g.nodes) {
    if (n.op != "Conv" || !g.IsConstant(n.input(1))) continue;
    const std::string w = n.input(1);
    if (!converted.count(w)) {
      const Tensor& t = g.At(w);
      const std::vector<int64_t> ohwi = PermuteShape(t.shape, {0, 2, 3, 1});
      converted[w] =
          g.AddConstant(w + "/ohwi", ohwi, Permute(t.floats, t.shape, {0, 2, 3, 1})).name;
    }
    n.inputs[1] = converted[w];
    g.DropIfUnused(w);
  }
  g.RemoveUnusedTensors();
  if (!converted.empty()) *summary = std::to_string(converted.size()) + " conv weights to OHWI";
  return Status::Ok();
}

}  // namespace frost::convert
