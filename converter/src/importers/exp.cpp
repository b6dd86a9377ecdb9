// Exp: y = exp(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter ExpImporter() {
  UnarySpec spec;
  spec.op = "Exp";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::exp(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
