// remove_noops: drops nodes that pass their input through unchanged: Identity, Dropout
// (inference), float-to-float Cast, single-input Sum/Max/Min, and Pad / Slice / Reshape /
// Transpose / Concat / Flatten / Squeeze / Unsqueeze that change nothing. When the output
// must keep its name (a graph output or the feature tensor), the input is renamed to it
// instead; where neither can give way (a graph input passed straight to an output), the
// node stays as an Identity. Nodes whose outputs nothing reads are removed too.
#include <algorithm>
#include <map>
#include <set>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {
namespace {

bool IsNoop(const Graph& g, const Node& n) {
  if (n.inputs.empty() || n.outputs.size() != 1 || n.input(0).empty()) return false;
  const Tensor* in = g.Find(n.input(0));
  const Tensor* out = g.Find(n.outputs[0]);
  if (!in || !out || in->constant || in->dtype != out->dtype || in->shape != out->shape) {
    return false;
  }
  const std::string& op = n.op;
  if (op == "Identity" || op == "Dropout" || op == "Cast" || op == "Reshape" || op == "Flatten" ||
      op == "Squeeze" || op == "Unsqueeze" || op == "Slice") {
    return true;  // same shape: Slice took everything, Reshape/Squeeze/... changed nothing
  }
  if (op == "Sum" || op == "Max" || op == "Min" || op == "Concat") return n.inputs.size() == 1;
  if (op == "Pad") {
    for (int64_t p : n.Ints("pads")) {
      if (p != 0) return false;
    }
    return true;
  }
  if (op == "Transpose") {
    const std::vector<int64_t> perm = n.Ints("perm");
    for (size_t i = 0; i < perm.size(); ++i) {
      if (perm[i] != static_cast<int64_t>(i)) return false;
    }
    return true;
  }
  return false;
}

bool IsGraphInput(const Graph& g, const std::string& name) {
  for (const std::string& in : g.inputs) {
    if (in == name) return true;
  }
  return false;
}

}  // namespace

Status RemoveNoopsPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> removed;
  int kept = 0;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (!IsNoop(g, n)) continue;
    const std::string in = n.input(0), out = n.outputs[0];
    if (!g.IsProtected(out)) {
      g.ReplaceUses(out, in);
    } else if (!g.IsProtected(in) && !IsGraphInput(g, in)) {
      // The producer writes the protected name directly; `out` is dropped with the node.
      remove[i] = true;
      g.tensors.erase(out);
      g.Rename(in, out);
      ++removed[n.op];
      continue;
    } else {
      if (n.op != "Identity") {
        n.op = "Identity";
        n.inputs.resize(1);
        n.attrs.clear();
        ++kept;
      }
      continue;
    }
    remove[i] = true;
    ++removed[n.op];
  }
  g.RemoveNodes(remove);
  // Nodes whose outputs nothing reads (dead code an exporter left behind), last first so
  // that chains of them go too.
  std::set<std::string> read(g.outputs.begin(), g.outputs.end());
  if (!g.feature_tensor.empty()) read.insert(g.feature_tensor);
  std::vector<bool> dead(g.nodes.size(), false);
  for (size_t i = g.nodes.size(); i-- > 0;) {
    const Node& n = g.nodes[i];
    dead[i] = std::none_of(n.outputs.begin(), n.outputs.end(),
                           [&](const std::string& out) { return read.count(out) != 0; });
    if (dead[i]) {
      ++removed["unused " + n.op];
    } else {
      read.insert(n.inputs.begin(), n.inputs.end());
    }
  }
  g.RemoveNodes(dead);
  if (!removed.empty()) *summary = "removed " + CountSummary(removed);
  if (kept) {
    *summary += (summary->empty() ? "" : "; ") + std::to_string(kept) +
                " kept as Identity (graph input passed to an output)";
  }
  return Status::Ok();
}

}  // namespace frost::convert
