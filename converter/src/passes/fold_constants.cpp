// fold_constants: removes every node whose outputs infer_shapes turned into constants,
// then every tensor nothing refers to any more (unused initializers included).
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {

Status FoldConstantsPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::vector<bool> remove(g.nodes.size(), false);
  std::map<std::string, int> folded;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    bool all_constant = true;
    for (const std::string& out : n.outputs) {
      if (!out.empty() && !g.IsConstant(out)) all_constant = false;
    }
    if (all_constant) {
      remove[i] = true;
      ++folded[n.op];
    }
  }
  const size_t tensors_before = g.tensors.size();
  g.RemoveNodes(remove);
  if (!g.feature_tensor.empty() && g.IsConstant(g.feature_tensor)) {
    return Status::Error("feature tensor '" + g.feature_tensor +
                         "' is a constant after folding (it does not depend on the input)");
  }
  const size_t dropped = tensors_before - g.tensors.size();
  if (!folded.empty() || dropped) {
    *summary = (folded.empty() ? "no nodes folded" : "folded " + CountSummary(folded)) + "; " +
               std::to_string(dropped) + " unused tensors dropped";
  }
  return Status::Ok();
}

}  // namespace frost::convert
