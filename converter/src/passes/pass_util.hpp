// Small helpers the passes share.
#pragma once

#include <map>
#include <string>

#include "ir.hpp"

namespace frost::convert {

// "Shape 2, Gather 1" from per-op counts.
std::string CountSummary(const std::map<std::string, int>& counts);

// The node that is the only consumer of `tensor`, or -1 (also when `tensor` is protected,
// since then its value must survive as it is).
int SoleConsumer(const Graph& g, const std::string& tensor);

// A new node derived from `origin` (keeps its name and ONNX op for messages).
Node DerivedNode(const Node& origin, const std::string& op, std::vector<std::string> inputs,
                 std::vector<std::string> outputs);

}  // namespace frost::convert
