// pack_panels: the weights of the layers frost's x86 kernels run (Conv with one group, and
// FullyConnected) with at least 64 output channels are written in PANELS32 layout
// (runtime/include/frost/panels.hpp), the one those kernels read: a session then uses them in
// place from the mapped file instead of packing them when it starts, which was most of the
// load time of the large models. Other paths (XNNPACK, the reference kernels, other CPUs)
// unpack them. Narrower layers stay plain: ConvKernels::kAuto runs such convs on XNNPACK, and
// a small classifier (10 classes) would be padded to 32 rows in the file for a packing that
// costs nothing at start. A weight that anything else also reads stays plain, as does every
// weight with --plain-weights. The int8 quantizer runs later; INT8 weights are written plain.
#include <map>

#include "frost/panels.hpp"
#include "passes/pass.hpp"

namespace frost::convert {
namespace {

bool RunsOnPanels(const Graph& g, const Node& n) {
  if (n.op != "FullyConnected" && (n.op != "Conv" || n.Int("group", 1) != 1)) return false;
  const Tensor* w = g.Find(n.input(1));
  return w != nullptr && w->rank() >= 2 && w->shape[0] >= kMinPanelConvChannels;
}

}  // namespace

Status PackPanelsPass(Graph& g, const ConvertOptions& options, std::string* summary) {
  if (options.plain_weights) return Status::Ok();
  // Per constant: whether every use is the weight of an op that reads panels.
  std::map<std::string, bool> panel_uses_only;
  for (const Node& n : g.nodes) {
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      if (!n.HasInput(i) || !g.IsConstant(n.input(i))) continue;
      auto [it, first] = panel_uses_only.emplace(n.input(i), true);
      it->second = it->second && i == 1 && RunsOnPanels(g, n);
    }
  }
  size_t tensors = 0;
  for (const auto& [name, only] : panel_uses_only) {
    Tensor& t = *g.Find(name);
    if (!only || t.dtype != DType::kFloat || t.rank() < 2 || g.IsProtected(name)) continue;
    t.panels = true;
    ++tensors;
  }
  if (tensors > 0) *summary = std::to_string(tensors) + " weights in panels of 32 channels";
  return Status::Ok();
}

}  // namespace frost::convert
