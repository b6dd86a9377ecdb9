// infer_shapes: walks the nodes in order, computing every output's shape and type from
// its inputs with the importers' rules; the batch is static (a symbolic batch axis took
// ConvertOptions::batch when the model was loaded). A node whose inputs are all constant
// (or, for Shape, whose input shape is known) is evaluated right away, so that shapes
// computed by exporter glue (Shape -> Gather -> Concat -> Reshape) are known to the nodes
// after it. fold_constants then removes the evaluated nodes.
#include "importer.hpp"
#include "passes/pass.hpp"

namespace frost::convert {

Status InferShapesPass(Graph& g, const ConvertOptions&, std::string* summary) {
  int evaluated = 0;
  for (Node& n : g.nodes) {
    const OpImporter* op = FindImporter(n.op);
    if (!op || !op->infer) return NodeError(g, n, "no shape rule for IR op " + n.op);
    for (const std::string& in : n.inputs) {
      if (!in.empty() && !g.At(in).shape_known) {
        return NodeError(g, n, "the shape of input '" + in + "' is unknown");
      }
    }
    FROST_CONVERT_TRY(op->infer(g, n));
    for (const std::string& out : n.outputs) {
      if (!out.empty() && !g.At(out).shape_known) {
        return NodeError(g, n, "could not infer the shape of output '" + out + "'");
      }
    }
    bool constant_inputs = true;
    for (const std::string& in : n.inputs) {
      if (!in.empty() && !g.IsConstant(in)) constant_inputs = false;
    }
    if (op->evaluate && (constant_inputs || op->folds_on_shapes)) {
      FROST_CONVERT_TRY(op->evaluate(g, n));
      ++evaluated;
    }
  }
  *summary = "batch " + std::to_string(g.batch) + ", " + std::to_string(g.nodes.size()) +
             " nodes shaped, " + std::to_string(evaluated) + " evaluated at conversion";
  return Status::Ok();
}

}  // namespace frost::convert
