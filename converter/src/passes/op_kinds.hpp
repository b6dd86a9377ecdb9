// How passes group the IR's op types.
#pragma once

#include <string>

namespace frost::convert {

// Ops that run on NHWC activations: Conv, MaxPool, AveragePool, Global*Pool.
bool IsSpatialOp(const std::string& op);
// Elementwise ops of one activation (Relu, Clip, Sigmoid, ..., Identity).
bool IsUnaryOp(const std::string& op);
// Elementwise ops of two inputs with broadcasting (Add, Sub, Mul, Div, Max, Min, Pow).
bool IsBinaryOp(const std::string& op);
// Ops whose output may carry a fused Relu/Clip (Conv, FullyConnected, pools, Add).
bool CanFuseActivation(const std::string& op);

}  // namespace frost::convert
