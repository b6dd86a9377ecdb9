// Sqrt: y = sqrt(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter SqrtImporter() {
  UnarySpec spec;
  spec.op = "Sqrt";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::sqrt(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
