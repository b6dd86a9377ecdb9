// fuse_residual_add: a ResNet block's shortcut Add(a, b), where a is the only use of a float
// Conv's output of the same shape (no broadcasting), becomes that Conv with b as its fourth
// input, the residual: y = fused(conv(x) + bias + b) (runtime/schema/frost.fbs). The Add's
// fused activation (its Relu or Clip, fused by fuse_activations) moves with it, the Conv
// takes the Add's place in the node order (b is computed by then) and writes the Add's
// output tensor. The output is then written once instead of written, read again and written
// again (the Add ran as a separate, memory-bound op: 8 % of ResNet-50's time on two threads).
//
// It runs after --quantize int8 (FinalPassList), so it sees which convolutions stayed float:
// an int8 Conv takes no residual, and quantization never has to know about one. Not fused:
// a Conv with an activation of its own (the sum would come after it), an Add or Conv output
// that is a graph output or the feature tensor (their values must survive as they are), a
// constant b (the residual is an activation of the output's batch), and Add(a, a).
// --no-fuse-residual (ConvertOptions::fuse_residual_add = false) turns it off.
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {
namespace {

// The Conv (node index) whose output `operand` of Add node `add` can take the Add's place with
// `other` as its residual, or -1.
int FusableConv(const Graph& g, size_t add, const std::string& operand, const std::string& other) {
  const Node& sum = g.nodes[add];
  if (operand == other || g.IsConstant(other)) return -1;
  const int p = g.Producer(operand);
  if (p < 0 || SoleConsumer(g, operand) != static_cast<int>(add)) return -1;
  const Node& conv = g.nodes[p];
  if (conv.op != "Conv" || conv.Has("fused") || conv.HasInput(3)) return -1;
  const Tensor* weight = g.Find(conv.input(1));
  if (weight == nullptr || weight->dtype != DType::kFloat) return -1;  // int8: quantized
  const Tensor* a = g.Find(operand);
  const Tensor* b = g.Find(other);
  const Tensor* y = g.Find(sum.outputs[0]);
  for (const Tensor* t : {a, b, y}) {
    if (t == nullptr || !t->shape_known || t->dtype != DType::kFloat || t->rank() != 4) return -1;
  }
  // The same physical shape and layout: the residual is read as the output is written.
  if (!a->nhwc || b->nhwc != a->nhwc || y->nhwc != a->nhwc) return -1;
  if (b->shape != a->shape || y->shape != a->shape) return -1;
  return p;
}

}  // namespace

Status FuseResidualAddPass(Graph& g, const ConvertOptions& options, std::string* summary) {
  if (!options.fuse_residual_add) return Status::Ok();
  std::map<std::string, int> count;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& sum = g.nodes[i];
    if (sum.op != "Add" || sum.inputs.size() != 2 || sum.outputs.size() != 1) continue;
    if (g.IsProtected(sum.outputs[0])) continue;
    // Of two candidate Convs (a block with a downsampling shortcut), the later one: its input
    // then lives the shortest time longer, now that the Conv runs where the Add did.
    int best = -1;
    size_t operand = 0;
    for (size_t k = 0; k < 2; ++k) {
      const int p = FusableConv(g, i, sum.input(k), sum.input(1 - k));
      if (p > best) best = p, operand = k;
    }
    if (best < 0) continue;
    Node conv = g.nodes[best];
    conv.inputs.resize(3);  // an absent bias stays "" (-1 in the file)
    conv.inputs.push_back(sum.input(1 - operand));
    conv.outputs = sum.outputs;
    for (const char* key : {"fused", "fused_min", "fused_max"}) {
      if (sum.Has(key)) conv.attrs[key] = sum.attrs.at(key);
    }
    g.nodes[i] = std::move(conv);
    remove[best] = true;
    ++count["Add into Conv"];
  }
  g.RemoveNodes(remove);
  *summary = CountSummary(count);
  return Status::Ok();
}

}  // namespace frost::convert
