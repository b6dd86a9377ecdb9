// Floor: y = floor(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter FloorImporter() {
  UnarySpec spec;
  spec.op = "Floor";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::floor(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
