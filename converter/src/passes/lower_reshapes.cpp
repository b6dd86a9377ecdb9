// lower_reshapes: Flatten, Squeeze and Unsqueeze only change the shape, so they become a
// Reshape whose attribute "shape" is the (logical) output shape.
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {

Status LowerReshapesPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> count;
  for (Node& n : g.nodes) {
    if (n.op != "Flatten" && n.op != "Squeeze" && n.op != "Unsqueeze") continue;
    ++count[n.op];
    n.op = "Reshape";
    n.attrs.clear();
    n.inputs.resize(1);
    n.SetInts("shape", g.At(n.outputs[0]).shape);
  }
  if (!count.empty()) *summary = CountSummary(count) + " -> Reshape";
  return Status::Ok();
}

}  // namespace frost::convert
