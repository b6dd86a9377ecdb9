// One importer per ONNX op (importers/<op>.cpp), registered in importers/registry.cpp.
//
// An importer holds everything the converter knows about its op:
//   import    validates the ONNX node at the model's opset (every attribute it does not
//             know is an error) and appends its IR form to the graph, normalised to the
//             newest opset (attributes of old opsets become constant inputs, ...);
//   infer     computes output shapes and types from the inputs (and from constant inputs
//             where the shape depends on values, as for Reshape); it may also resolve
//             attributes that depend on the input size (auto_pad, ceil_mode);
//   evaluate  computes the outputs when every input is constant (constant folding, with
//             the converter's own small evaluator); empty: the op is never folded;
//   has_kernel false: the runtime has no such op, so it must fold away.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir.hpp"

namespace frost::convert {

struct OpImporter {
  std::string op_type;
  std::function<Status(Graph& graph, Node& node)> import;
  std::function<Status(Graph& graph, Node& node)> infer;
  std::function<Status(Graph& graph, const Node& node)> evaluate;
  bool has_kernel = true;
  // Folds as soon as the input shapes are known, even if the inputs are not constant.
  bool folds_on_shapes = false;
};

// nullptr if frost does not support `op_type`.
const OpImporter* FindImporter(const std::string& op_type);
// Every registered op type, sorted (for documentation and tests).
std::vector<std::string> SupportedOps();

}  // namespace frost::convert
