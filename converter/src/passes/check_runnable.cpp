// check_runnable: the last word before writing. Every node left must be an op the runtime
// runs, computing float activations from at least one activation; weights and biases
// must be constants; no activation may be empty; graph outputs must be computed.
// An op that frost only folds (Shape, Gather, Cast to int, ...) and that is still here had
// an input computed at run time, which is reported as such.
#include <set>

#include "importer.hpp"
#include "passes/op_kinds.hpp"
#include "passes/pass.hpp"

namespace frost::convert {
namespace {

bool RuntimeOp(const std::string& op) {
  static const std::set<std::string> ops = {
      "Conv",          "MaxPool",        "AveragePool", "GlobalAveragePool",
      "GlobalMaxPool", "FullyConnected", "MatMul",      "Softmax",
      "LogSoftmax",    "Concat",         "Reshape",     "Transpose",
      "Pad",           "Slice"};
  return ops.count(op) || IsUnaryOp(op) || IsBinaryOp(op);
}

Status CheckNode(const Graph& g, const Node& n) {
  if (!RuntimeOp(n.op)) {
    const OpImporter* op = FindImporter(n.op);
    if (op && !op->has_kernel) {
      for (const std::string& in : n.inputs) {
        if (!in.empty() && !g.IsConstant(in)) {
          return NodeError(g, n,
                           "frost only evaluates this op at conversion, but its input '" + in +
                               "' is computed at run time");
        }
      }
    }
    return NodeError(g, n, "frost has no run-time kernel for this op (IR op " + n.op + ")");
  }
  bool any_activation = false;
  for (const std::string& in : n.inputs) {
    if (in.empty()) continue;
    const Tensor& t = *g.Find(in);
    if (t.dtype != DType::kFloat) {
      return NodeError(
          g, n, "input '" + in + "' is " + DTypeName(t.dtype) + "; frost runs float tensors only");
    }
    any_activation = any_activation || !t.constant;
  }
  if (!any_activation) {
    return NodeError(g, n,
                     "all inputs are constant, but frost cannot evaluate this op at "
                     "conversion");
  }
  if (n.op == "Conv" || n.op == "FullyConnected") {
    for (size_t i = 1; i < n.inputs.size(); ++i) {
      if (n.HasInput(i) && !g.IsConstant(n.input(i))) {
        return NodeError(g, n,
                         std::string(i == 1 ? "weight" : "bias") + " '" + n.input(i) +
                             "' is computed at run time; frost needs constant weights");
      }
    }
  }
  for (const std::string& out : n.outputs) {
    const Tensor& t = *g.Find(out);
    if (t.dtype != DType::kFloat) {
      return NodeError(
          g, n,
          "output '" + out + "' is " + DTypeName(t.dtype) + "; frost runs float tensors only");
    }
    if (t.elements() == 0) {
      return NodeError(g, n, "output '" + out + "' " + ShapeString(t.shape) + " is empty");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckRunnablePass(Graph& g, const ConvertOptions&, std::string* summary) {
  for (const Node& n : g.nodes) FROST_CONVERT_TRY(CheckNode(g, n));
  for (const std::string& out : g.outputs) {
    const Tensor* t = g.Find(out);
    if (!t || t->constant) {
      return Status::Error("graph output '" + out +
                           "' is a constant (it does not depend on the input); frost models "
                           "compute their outputs");
    }
    bool is_input = false;
    for (const std::string& in : g.inputs) is_input = is_input || in == out;
    if (g.Producer(out) < 0 && !is_input) {
      return Status::Error("graph output '" + out + "' is not computed by any node");
    }
  }
  *summary = std::to_string(g.nodes.size()) + " ops to write";
  return Status::Ok();
}

}  // namespace frost::convert
