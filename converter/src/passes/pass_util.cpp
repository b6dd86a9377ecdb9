#include "passes/pass_util.hpp"

namespace frost::convert {

std::string CountSummary(const std::map<std::string, int>& counts) {
  std::string s;
  for (const auto& [op, count] : counts) {
    if (!s.empty()) s += ", ";
    s += op + " " + std::to_string(count);
  }
  return s;
}

int SoleConsumer(const Graph& g, const std::string& tensor) {
  if (g.IsProtected(tensor)) return -1;
  const std::vector<size_t> consumers = g.Consumers(tensor);
  return consumers.size() == 1 ? static_cast<int>(consumers[0]) : -1;
}

Node DerivedNode(const Node& origin, const std::string& op, std::vector<std::string> inputs,
                 std::vector<std::string> outputs) {
  Node n;
  n.op = op;
  n.onnx_op = origin.onnx_op;
  n.name = origin.name;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

}  // namespace frost::convert
