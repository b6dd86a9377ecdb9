#include "ops/registry.hpp"

namespace frost::ops {

const OpDef* FindOp(schema::OpOptions type) {
  static const OpDef* const kOps[] = {
      &kConv2D,  &kPool2D, &kGlobalPool, &kFullyConnected, &kMatMul, &kBinary, &kUnary,
      &kSoftmax, &kConcat, &kReshape,    &kTranspose,      &kPad,    &kSlice,
  };
  for (const OpDef* def : kOps) {
    if (def->type == type) return def;
  }
  return nullptr;
}

double NoFlops(const schema::Operator&, const ShapeArgs&, const Shape&) { return 0.0; }

double ElementwiseFlops(const schema::Operator&, const ShapeArgs&, const Shape& out) {
  return double(ElementCount(out));
}

}  // namespace frost::ops
