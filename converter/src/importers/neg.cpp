// Neg: y = -x; exporters apply it to int64 shape values too (TF-style padding glue).
#include "importers/unary.hpp"

namespace frost::convert {

OpImporter NegImporter() {
  UnarySpec spec;
  spec.op = "Neg";
  spec.fn = [](float x, float alpha, float beta) -> float { return -x; };
  spec.int_fn = [](int64_t x) -> int64_t { return -x; };
  return MakeUnaryImporter(spec);
}

}  // namespace frost::convert
