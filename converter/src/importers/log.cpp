// Log: y = ln(x).
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter LogImporter() {
  UnarySpec spec;
  spec.op = "Log";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::log(x); };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
