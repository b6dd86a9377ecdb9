// Sigmoid: y = 1 / (1 + exp(-x)).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter SigmoidImporter() {
  UnarySpec spec;
  spec.op = "Sigmoid";
  spec.fn = [](float x, float alpha, float beta) -> float { return 1.f / (1.f + std::exp(-x)); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
