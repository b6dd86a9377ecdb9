// The ops this runtime knows, one OpDef per op file.
#pragma once

#include "ops/op.hpp"

namespace frost::ops {

extern const OpDef kConv2D;
extern const OpDef kPool2D;
extern const OpDef kGlobalPool;
extern const OpDef kFullyConnected;
extern const OpDef kMatMul;
extern const OpDef kBinary;
extern const OpDef kUnary;
extern const OpDef kSoftmax;
extern const OpDef kConcat;
extern const OpDef kReshape;
extern const OpDef kTranspose;
extern const OpDef kPad;
extern const OpDef kSlice;

}  // namespace frost::ops
