// check_batch: makes the model run at any batch size where it can. Every Reshape whose
// output keeps the input's dim 0 writes 0 there ("copy"), so the stored batch is not baked
// in. An op that mixes the samples of a batch (a Reshape that moves the batch dim, a
// Transpose / Concat / Slice / Pad / Softmax on axis 0, an operand whose dim 0 is not the
// batch) makes the model batch-specific: Graph::batch_polymorphic = false. A Slice that
// keeps all of axis 0 ends it at INT64_MAX, again so that any batch size passes whole.
#include <limits>

#include "passes/op_kinds.hpp"
#include "passes/pass.hpp"

namespace frost::convert {
namespace {

// Why `n` ties the model to its stored batch size, or "".
std::string MixesBatch(Graph& g, Node& n) {
  const Tensor& x = g.At(n.input(0));
  const std::vector<int64_t> in = x.physical_shape();
  if (n.op == "Reshape") {
    std::vector<int64_t> shape = n.Ints("shape");
    if (!shape.empty() && !in.empty() && shape[0] == in[0]) {
      shape[0] = 0;
      n.SetInts("shape", shape);
      return "";
    }
    return "Reshape " + ShapeString(in) + " -> " + ShapeString(shape) + " moves the batch dim";
  }
  if (n.op == "Transpose" && n.Ints("perm")[0] != 0) return "Transpose moves axis 0";
  if (n.op == "Concat") {
    if (n.Int("axis", 0) == 0) return "Concat along axis 0";
    for (const std::string& name : n.inputs) {
      if (g.IsConstant(name)) return "Concat of constant '" + name + "' sized for one batch";
    }
  }
  if ((n.op == "Softmax" || n.op == "LogSoftmax") && n.Int("axis", 0) == 0) {
    return n.op + " along axis 0";
  }
  if (n.op == "Slice" && !in.empty()) {
    if (n.Ints("starts")[0] != 0 || n.Ints("steps")[0] != 1 || n.Ints("ends")[0] < in[0]) {
      return "Slice of axis 0";
    }
    // The whole batch axis, whatever its size (the runtime clamps end to the dim).
    std::vector<int64_t> ends = n.Ints("ends");
    ends[0] = std::numeric_limits<int64_t>::max();
    n.SetInts("ends", ends);
  }
  if (n.op == "Pad" && !in.empty() && (n.Ints("pads")[0] != 0 || n.Ints("pads")[in.size()] != 0)) {
    return "Pad of axis 0";
  }
  if (IsBinaryOp(n.op) || n.op == "MatMul") {
    const size_t rank = g.At(n.outputs[0]).shape.size();
    for (const std::string& name : n.inputs) {
      const Tensor& t = g.At(name);
      const std::vector<int64_t> s = t.physical_shape();
      if (t.constant && s.size() == rank && !s.empty() && s[0] != 1) {
        return "constant operand '" + name + "' has dim 0 = " + std::to_string(s[0]);
      }
      if (!t.constant && s.size() != rank) {
        return "operand '" + name + "' has a lower rank than the result";
      }
    }
    if (n.op == "MatMul" && rank < 3 && !g.IsConstant(n.input(1))) {
      return "MatMul with a computed right-hand side";
    }
  }
  return "";
}

}  // namespace

Status CheckBatchPass(Graph& g, const ConvertOptions&, std::string* summary) {
  for (Node& n : g.nodes) {
    const std::string why = MixesBatch(g, n);
    if (!why.empty() && g.batch_polymorphic) {
      g.batch_polymorphic = false;
      *summary =
          "runs only at batch " + std::to_string(g.batch) + ": node '" + n.name + "': " + why;
    }
  }
  return Status::Ok();
}

}  // namespace frost::convert
