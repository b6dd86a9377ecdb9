// split_variadic: Sum, Max and Min of three or more inputs become a chain of two-input ops
// (Sum -> Add), each output broadcast from its inputs.
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

Status SplitVariadicPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> count;
  std::vector<Node> out;
  for (Node& n : g.nodes) {
    if (n.op != "Sum" && n.op != "Max" && n.op != "Min") {
      out.push_back(std::move(n));
      continue;
    }
    const std::string op = n.op == "Sum" ? "Add" : n.op;
    std::string acc = n.input(0);
    std::vector<int64_t> shape = g.At(acc).shape;
    for (size_t i = 1; i < n.inputs.size(); ++i) {
      std::vector<int64_t> next;
      BroadcastShapes(shape, g.At(n.input(i)).shape, &next);
      const bool last = i + 1 == n.inputs.size();
      const std::string y =
          last ? n.outputs[0] : g.AddActivation(n.outputs[0] + "/partial", next).name;
      out.push_back(DerivedNode(n, op, {acc, n.input(i)}, {y}));
      acc = y;
      shape = next;
    }
    if (n.inputs.size() > 2) ++count[n.op];
  }
  g.nodes = std::move(out);
  if (!count.empty()) *summary = CountSummary(count) + " split into chains of two-input ops";
  return Status::Ok();
}

}  // namespace frost::convert
