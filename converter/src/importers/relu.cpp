// Relu: y = max(x, 0).
#include "importers/unary.hpp"

namespace frost::convert {

OpImporter ReluImporter() {
  UnarySpec spec;
  spec.op = "Relu";
  spec.fn = [](float x, float alpha, float beta) -> float { return x > 0.f ? x : 0.f; };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
