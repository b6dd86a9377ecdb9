// Softsign: y = x / (1 + |x|).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter SoftsignImporter() {
  UnarySpec spec;
  spec.op = "Softsign";
  spec.fn = [](float x, float alpha, float beta) -> float { return x / (1.f + std::fabs(x)); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
