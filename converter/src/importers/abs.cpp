// Abs: y = |x|; also folds int64 shape arithmetic.
#include <algorithm>
#include <cmath>

#include "importers/unary.hpp"

namespace frost::convert {

OpImporter AbsImporter() {
  UnarySpec spec;
  spec.op = "Abs";
  spec.fn = [](float x, float alpha, float beta) -> float { return std::fabs(x); };
  spec.int_fn = [](int64_t x) -> int64_t { return x < 0 ? -x : x; };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
