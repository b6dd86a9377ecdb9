// fold_pads: a constant-0 Pad of the spatial axes of a 4-D tensor, read only by Convs and
// pools, becomes their padding. Conv pads with zeros, so it always folds. MaxPool pads
// with -inf, which agrees with zero padding only when the input is known to be >= 0 (a
// Relu before it) and no window lies entirely in the padding. AveragePool folds when the
// padding it already has counts too (count_include_pad, or none of its own) and ceil_mode
// added nothing; it then counts all of it (count_include_pad = 1).
#include <algorithm>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {
namespace {

bool KnownNonNegative(const Graph& g, const std::string& tensor) {
  const int p = g.Producer(tensor);
  if (p < 0) return false;
  const Node& n = g.nodes[p];
  if (n.op == "Relu" || n.op == "Sigmoid" || n.op == "Exp" || n.op == "Abs" ||
      n.op == "HardSigmoid" || n.op == "Softplus" || n.op == "Softmax") {
    return true;
  }
  if (n.op == "Clip") return n.Float("min", -1.f) >= 0.f;
  if (n.op == "MaxPool" || n.op == "GlobalMaxPool") return KnownNonNegative(g, n.input(0));
  return false;
}

// Whether `consumer` can take `add` ([top, left, bottom, right]) as extra padding.
bool CanFoldInto(const Graph& g, const Node& consumer, const std::string& x,
                 const std::vector<int64_t>& add) {
  if (consumer.op == "Conv") return true;
  if (consumer.op != "MaxPool" && consumer.op != "AveragePool") return false;
  if (consumer.op == "MaxPool" && !KnownNonNegative(g, x)) return false;
  if (consumer.op == "AveragePool") {
    const std::vector<int64_t> own = consumer.Ints("pads");
    const bool no_own = own == std::vector<int64_t>{0, 0, 0, 0};
    if (consumer.Has("ceil_extra") || (!no_own && consumer.Int("count_include_pad", 0) == 0)) {
      return false;
    }
  }
  // No window may lie entirely in the padding (the runtime rejects such pools: a max of
  // nothing, or an average of padding alone).
  const std::vector<int64_t> k = consumer.Ints("kernel_shape"), s = consumer.Ints("strides");
  const std::vector<int64_t> d = consumer.Ints("dilations"), pads = consumer.Ints("pads");
  const std::vector<int64_t>& in = g.Find(x)->shape;
  const std::vector<int64_t>& out = g.Find(consumer.outputs[0])->shape;
  for (int i = 0; i < 2; ++i) {
    const int64_t begin = pads[i] + add[i], span = d[i] * (k[i] - 1) + 1;
    if (begin >= span || (out[2 + i] - 1) * s[i] - begin >= in[2 + i]) return false;
  }
  return true;
}

}  // namespace

Status FoldPadsPass(Graph& g, const ConvertOptions&, std::string* summary) {
  int folded = 0;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& pad = g.nodes[i];
    if (pad.op != "Pad" || pad.String("mode", "constant") != "constant" ||
        pad.Float("value", 0.f) != 0.f || g.IsProtected(pad.outputs[0])) {
      continue;
    }
    const std::vector<int64_t> p = pad.Ints("pads");
    if (p.size() != 8 || p[0] || p[1] || p[4] || p[5]) continue;  // N and C untouched
    const std::vector<int64_t> add = {p[2], p[3], p[6], p[7]};
    const std::string x = pad.input(0), y = pad.outputs[0];
    const std::vector<size_t> consumers = g.Consumers(y);
    bool ok = !consumers.empty();
    for (size_t c : consumers) {
      const Node& n = g.nodes[c];
      const bool data_only =
          n.input(0) == y && std::count(n.inputs.begin(), n.inputs.end(), y) == 1;
      ok = ok && data_only && CanFoldInto(g, n, x, add);
    }
    if (!ok) continue;
    for (size_t c : consumers) {
      Node& n = g.nodes[c];
      std::vector<int64_t> pads = n.Ints("pads");
      for (int j = 0; j < 4; ++j) pads[j] += add[j];
      n.SetInts("pads", pads);
      if (n.op == "AveragePool") n.SetInt("count_include_pad", 1);
      n.inputs[0] = x;
    }
    remove[i] = true;
    ++folded;
  }
  g.RemoveNodes(remove);
  if (folded) *summary = std::to_string(folded) + " Pad nodes folded into Conv/pool padding";
  return Status::Ok();
}

}  // namespace frost::convert
