// The elementwise ops of one input (Relu, Sigmoid, LeakyRelu, ...): each importer file
// states its op's formula and attributes; this builds the importer around them.
#pragma once

#include "importer.hpp"

namespace frost::convert {

struct UnarySpec {
  const char* op;
  int since_opset = 1;
  // Up to two float attributes, stored in the IR as "alpha" and "beta" whatever their ONNX
  // names (Selu's gamma is its beta).
  const char* alpha_name = nullptr;
  float alpha_default = 0;
  const char* beta_name = nullptr;
  float beta_default = 0;
  float (*fn)(float x, float alpha, float beta) = nullptr;
  // For the ops that exporters also apply to int64 shape values (Neg, Abs); nullptr: float only.
  int64_t (*int_fn)(int64_t x) = nullptr;
};

OpImporter MakeUnaryImporter(const UnarySpec& spec);

}  // namespace frost::convert
