// HardSigmoid: y = clamp(alpha * x + beta, 0, 1).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter HardSigmoidImporter() {
  UnarySpec spec;
  spec.op = "HardSigmoid";
  spec.alpha_name = "alpha";
  spec.alpha_default = 0.2f;
  spec.beta_name = "beta";
  spec.beta_default = 0.5f;
  spec.fn = [](float x, float alpha, float beta) -> float {
    return std::min(1.f, std::max(0.f, alpha * x + beta));
  };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
