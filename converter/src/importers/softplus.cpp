// Softplus: y = ln(exp(x) + 1), evaluated without overflow.
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter SoftplusImporter() {
  UnarySpec spec;
  spec.op = "Softplus";
  spec.fn = [](float x, float alpha, float beta) -> float {
    return x > 0.f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
