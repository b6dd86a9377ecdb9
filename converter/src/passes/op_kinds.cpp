#include "passes/op_kinds.hpp"

#include <set>

namespace frost::convert {

bool IsSpatialOp(const std::string& op) {
  static const std::set<std::string> ops = {"Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
                                            "GlobalMaxPool"};
  return ops.count(op) != 0;
}

bool IsUnaryOp(const std::string& op) {
  static const std::set<std::string> ops = {
      "Relu", "LeakyRelu",   "Clip",      "Sigmoid",  "Tanh",     "Abs",        "Neg",
      "Exp",  "Log",         "Sqrt",      "Floor",    "Ceil",     "Reciprocal", "Elu",
      "Selu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Identity"};
  return ops.count(op) != 0;
}

bool IsBinaryOp(const std::string& op) {
  static const std::set<std::string> ops = {"Add", "Sub", "Mul", "Div", "Max", "Min", "Pow"};
  return ops.count(op) != 0;
}

bool CanFuseActivation(const std::string& op) {
  static const std::set<std::string> ops = {"Conv", "FullyConnected", "MaxPool", "AveragePool",
                                            "Add"};
  return ops.count(op) != 0;
}

}  // namespace frost::convert
