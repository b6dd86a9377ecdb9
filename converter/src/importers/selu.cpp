// Selu: y = gamma * x for x > 0, gamma * alpha * (exp(x) - 1) below. ONNX's gamma
// is stored as the IR's beta.
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter SeluImporter() {
  UnarySpec spec;
  spec.op = "Selu";
  spec.alpha_name = "alpha";
  spec.alpha_default = 1.67326319217681884765625f;
  spec.beta_name = "gamma";
  spec.beta_default = 1.05070102214813232421875f;
  spec.fn = [](float x, float alpha, float beta) -> float {
    return x > 0.f ? beta * x : beta * alpha * (std::exp(x) - 1.f);
  };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
