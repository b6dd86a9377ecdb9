// store_fp16 (--fp16 only): the weights of Conv, FullyConnected and MatMul are written to the
// file as IEEE float16, halving it; biases and every other constant stay float32 (they are
// small, and a bias error is not averaged away over a dot product). A constant that anything
// else also reads stays float32. A weight beyond float16's range stops the conversion: it
// would become infinite.
#include <cmath>
#include <map>

#include "frost/half.hpp"
#include "passes/pass.hpp"

namespace frost::convert {
namespace {

bool IsWeightInput(const Node& n, size_t input) {
  if (n.op == "Conv" || n.op == "FullyConnected") return input == 1;
  return n.op == "MatMul";  // either operand may be the constant one
}

}  // namespace

Status StoreFp16Pass(Graph& g, const ConvertOptions& options, std::string* summary) {
  if (!options.fp16) return Status::Ok();
  // Per constant: whether every use is a weight input (and which node to blame if it overflows).
  std::map<std::string, bool> all_weight_uses;
  std::map<std::string, const Node*> user;
  for (const Node& n : g.nodes) {
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      if (!n.HasInput(i) || !g.IsConstant(n.input(i))) continue;
      auto [it, first] = all_weight_uses.emplace(n.input(i), true);
      it->second = it->second && IsWeightInput(n, i);
      if (first) user[n.input(i)] = &n;
    }
  }
  size_t tensors = 0, params = 0;
  for (const auto& [name, weight_only] : all_weight_uses) {
    Tensor& t = *g.Find(name);
    if (!weight_only || t.dtype != DType::kFloat || g.IsProtected(name)) continue;
    for (float v : t.floats) {
      // 65520 and beyond round to infinity (65504 is the largest float16).
      if (std::isfinite(v) && std::abs(v) >= 65520.0f) {
        return NodeError(g, *user[name],
                         "weight '" + name + "' holds " + std::to_string(v) +
                             ", beyond float16's range (65504); convert without --fp16");
      }
    }
    t.store_fp16 = true;
    ++tensors;
    params += t.floats.size();
  }
  if (tensors > 0) {
    *summary = std::to_string(tensors) + " weight tensors (" + std::to_string(params) +
               " values) stored as float16";
  }
  return Status::Ok();
}

}  // namespace frost::convert
