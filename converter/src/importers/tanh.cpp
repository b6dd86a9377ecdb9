// Tanh: y = tanh(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter TanhImporter() {
  UnarySpec spec;
  spec.op = "Tanh";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::tanh(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
