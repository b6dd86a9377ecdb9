// fuse_activations: a Relu or Clip whose input only it reads, produced by a Conv,
// FullyConnected, MaxPool, AveragePool or Add, becomes that op's output clamp (attribute
// "fused" = "relu" or "clip" with "fused_min"/"fused_max"). The op then writes the
// activation's output tensor, so its name (maybe the feature tensor) survives.
#include <limits>
#include <map>

#include "passes/op_kinds.hpp"
#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {

Status FuseActivationsPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> count;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& act = g.nodes[i];
    if (act.op != "Relu" && act.op != "Clip") continue;
    const int p = g.Producer(act.input(0));
    if (p < 0 || SoleConsumer(g, act.input(0)) != static_cast<int>(i)) continue;
    Node& producer = g.nodes[p];
    if (!CanFuseActivation(producer.op) || producer.Has("fused")) continue;
    const float lo = act.op == "Relu" ? 0.f : act.Float("min", 0.f);
    const float hi =
        act.op == "Relu" ? std::numeric_limits<float>::infinity() : act.Float("max", 0.f);
    if (lo == 0.f && hi == std::numeric_limits<float>::infinity()) {
      producer.SetString("fused", "relu");
    } else {
      producer.SetString("fused", "clip");
      producer.SetFloat("fused_min", lo);
      producer.SetFloat("fused_max", hi);
    }
    producer.outputs[0] = act.outputs[0];
    remove[i] = true;
    ++count[act.op + " into " + producer.op];
  }
  g.RemoveNodes(remove);
  *summary = CountSummary(count);
  return Status::Ok();
}

}  // namespace frost::convert
