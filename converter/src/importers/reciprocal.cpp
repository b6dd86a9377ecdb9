// Reciprocal: y = 1 / x.
#include "importers/unary.hpp"

namespace frost::convert {

OpImporter ReciprocalImporter() {
  UnarySpec spec;
  spec.op = "Reciprocal";
  spec.fn = [](float x, float alpha, float beta) -> float { return 1.f / x; };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
