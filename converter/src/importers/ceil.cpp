// Ceil: y = ceil(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter CeilImporter() {
  UnarySpec spec;
  spec.op = "Ceil";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::ceil(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
