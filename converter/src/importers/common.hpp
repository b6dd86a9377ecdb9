// Helpers shared by the per-op importers: attribute and input validation, constant inputs,
// output shapes.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "importer.hpp"
#include "ir.hpp"

namespace frost::convert {

// Any attribute not in `allowed` is an error that names it.
Status CheckAttributes(const Graph& g, const Node& n, std::initializer_list<const char*> allowed);
// The number of inputs (absent optional ones included) must lie in [min, max].
Status CheckInputCount(const Graph& g, const Node& n, size_t min, size_t max);
// Outputs past the first `supported` must be absent: frost computes only those.
Status CheckOutputCount(const Graph& g, const Node& n, size_t supported);
// The model's opset must be at least `since`, where the op (in the form frost reads) appeared.
Status CheckOpset(const Graph& g, const Node& n, int since);

// The common import: validate the attributes, then append the node unchanged.
Status ImportWithAttributes(Graph& g, Node& n, std::initializer_list<const char*> allowed,
                            size_t min_inputs, size_t max_inputs);
inline void Append(Graph& g, Node& n) { g.nodes.push_back(std::move(n)); }

const Tensor& In(const Graph& g, const Node& n, size_t i);
Tensor& Out(Graph& g, const Node& n, size_t i);
void SetOutput(Graph& g, const Node& n, size_t i, DType type, std::vector<int64_t> shape);

// Every input must be float (the weights and data of Conv, Gemm, MatMul, pools, ...).
Status RequireFloatInputs(const Graph& g, const Node& n);
// Input i must be a constant (after folding) with known data; `what` names its role.
Status RequireConstant(const Graph& g, const Node& n, size_t i, const std::string& what);
Status ConstantInts(const Graph& g, const Node& n, size_t i, const std::string& what,
                    std::vector<int64_t>* out);
// Sets input i to a new constant (padding the input list with absent inputs as needed).
void SetConstantInput(Graph& g, Node& n, size_t i, const std::string& role,
                      std::vector<int64_t> shape, std::vector<int64_t> values);
void SetFloatConstantInput(Graph& g, Node& n, size_t i, const std::string& role,
                           std::vector<int64_t> shape, std::vector<float> values);

// axis in [-rank, rank) -> [0, rank); anything else is an error naming `what`.
Status NormalizeAxis(const Graph& g, const Node& n, int64_t axis, int64_t rank,
                     const std::string& what, int64_t* out);

// The output i becomes a constant holding `values` (its shape and type set by infer).
void SetOutputFloats(Graph& g, const Node& n, size_t i, std::vector<float> values);
void SetOutputInts(Graph& g, const Node& n, size_t i, std::vector<int64_t> values);

// Output i must not be used by any node or be a graph output (an optional output frost
// does not compute, like Dropout's mask).
Status RequireUnused(const Graph& g, const Node& n, size_t i, const std::string& what);

// Evaluate helpers: output 0 takes input 0's data unchanged (Reshape, Flatten, Squeeze...).
Status EvaluateCopy(Graph& g, const Node& n);

}  // namespace frost::convert
