// Elu: y = x for x > 0, alpha * (exp(x) - 1) below.
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter EluImporter() {
  UnarySpec spec;
  spec.op = "Elu";
  spec.alpha_name = "alpha";
  spec.alpha_default = 1.0f;
  spec.fn = [](float x, float alpha, float beta) -> float {
    return x > 0.f ? x : alpha * (std::exp(x) - 1.f);
  };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
