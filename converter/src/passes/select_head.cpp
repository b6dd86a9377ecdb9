// select_head: records where the frozen backbone ends and the trainable head begins
// (Graph::feature_tensor). Unless --feature-tensor names one, it is the input of the LAST
// FullyConnected layer: walking back from the first graph output through Softmax /
// LogSoftmax, elementwise activations, Dropout/Identity, Reshape/Flatten/Squeeze/Unsqueeze
// and Adds/Muls of constants, the first FullyConnected met is the head, and its input the
// feature tensor (for VGG's three FC layers, the 4096-wide input of the last). With no
// such layer no feature tensor is recorded.
#include "passes/op_kinds.hpp"
#include "passes/pass.hpp"

namespace frost::convert {
namespace {

bool PassesThrough(const Graph& g, const Node& n) {
  static const char* kShapeOps[] = {"Softmax", "LogSoftmax", "Reshape", "Flatten",
                                    "Squeeze", "Unsqueeze",  "Dropout"};
  for (const char* op : kShapeOps) {
    if (n.op == op) return true;
  }
  if (IsUnaryOp(n.op)) return true;
  // An Add/Mul/... of a constant (a bias or scale that was not folded).
  if (IsBinaryOp(n.op) && n.inputs.size() == 2) {
    return g.IsConstant(n.input(0)) || g.IsConstant(n.input(1));
  }
  return false;
}

}  // namespace

Status SelectHeadPass(Graph& g, const ConvertOptions& options, std::string* summary) {
  if (!options.feature_tensor.empty()) {
    const Tensor* t = g.Find(g.feature_tensor);
    *summary = "feature tensor '" + g.feature_tensor + "' " +
               (t ? ShapeString(t->shape) : std::string()) + " (given)";
    return Status::Ok();
  }
  std::string tensor = g.outputs[0];
  for (size_t steps = 0; steps <= g.nodes.size(); ++steps) {
    const int p = g.Producer(tensor);
    if (p < 0) break;
    const Node& n = g.nodes[p];
    if (n.op == "FullyConnected") {
      g.feature_tensor = n.input(0);
      *summary = "feature tensor '" + g.feature_tensor + "' " +
                 ShapeString(g.At(g.feature_tensor).shape) + " (input of FullyConnected '" +
                 n.name + "')";
      return Status::Ok();
    }
    if (!PassesThrough(g, n)) break;
    tensor = g.IsConstant(n.input(0)) ? n.input(1) : n.input(0);
  }
  *summary = "no final fully connected layer; no feature tensor recorded";
  return Status::Ok();
}

}  // namespace frost::convert
