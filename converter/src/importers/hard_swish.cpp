// HardSwish: y = x * clamp(x / 6 + 1/2, 0, 1); new in opset 14.
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter HardSwishImporter() {
  UnarySpec spec;
  spec.op = "HardSwish";
  spec.since_opset = 14;
  spec.fn = [](float x, float alpha, float beta) -> float {
    return x * std::min(1.f, std::max(0.f, x / 6.f + 0.5f));
  };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
