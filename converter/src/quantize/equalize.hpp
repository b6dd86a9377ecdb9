// Cross-layer equalization for int8 (Nagel et al. 2019, "Data-Free Quantization"): where a
// Conv / FullyConnected A (no activation or ReLU) feeds only another one, B, the tensor
// between them is quantized per tensor although its channels span very different ranges.
// Scaling channel c of A's output by 1/s[c] and B's weights for input channel c by s[c]
// changes nothing in float (ReLU commutes with a positive scale) and, with
// s[c] = sqrt(range[c] / max |B[.., c]|), gives every channel the same product of activation
// range and weight range, so the per-tensor grid serves all channels alike.
#pragma once

#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "ir.hpp"
#include "writer.hpp"

namespace frost::convert {

// Rescales the pairs among `nodes` (indices of nodes that will be quantized), measuring the
// tensors between them on the calibration data; returns how many pairs changed.
Status EqualizePairs(const ConvertOptions& options, const FileMetadata& meta,
                     const std::vector<size_t>& nodes, Graph& graph, size_t* pairs);

}  // namespace frost::convert
