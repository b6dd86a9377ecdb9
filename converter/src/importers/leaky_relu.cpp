// LeakyRelu: y = x for x >= 0, alpha * x below.
#include "importers/unary.hpp"

namespace frost::convert {

OpImporter LeakyReluImporter() {
  UnarySpec spec;
  spec.op = "LeakyRelu";
  spec.alpha_name = "alpha";
  spec.alpha_default = 0.01f;
  spec.fn = [](float x, float alpha, float beta) -> float { return x >= 0.f ? x : alpha * x; };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
