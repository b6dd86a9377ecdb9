// --quantize int8: after the passes, Conv and FullyConnected nodes get INT8 weights and their
// input and output tensors int8 grids measured on calibration data (quantize/calibrate.hpp).
//
// Which nodes: every Conv / FullyConnected with a float constant weight, except
//  - a convolution with fewer than 8 input channels (the stem reading the image): XNNPACK's
//    int8 kernels work on blocks of 8 channels, so it would run slower than in float (a 7x7
//    3-channel stem: 4.5x), and rounding the image onto a grid costs agreement;
//  - the classifier (the node whose output is the model's output, or feeds only a final
//    Softmax): logits on 256 levels tie and flip close calls, for well under 1 % of the work.
// How: cross-layer equalization of Conv->Conv pairs (quantize/equalize.hpp); activation
// grids over the range with the least squared error or a percentile range
// (options.calibration_range, quantize/range.hpp); weights symmetric per output channel,
// rounded with error feedback (quantize/weight_rounding.hpp); the bias then absorbs the mean error the rounded weights make on the calibration inputs (bias
// correction, Nagel et al. 2019). Then automatic mixed precision (quantize/mixed_precision.hpp)
// keeps the ops float that most change the top-1 on the calibration samples, until the
// agreement with float reaches options.int8_min_agreement.
#pragma once

#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "ir.hpp"
#include "quantize/calibrate.hpp"
#include "writer.hpp"

namespace frost::convert {

// The grid for a tensor whose values span [min, max]: asymmetric, 256 levels over the range
// stretched to include 0 (so that 0, e.g. padding, is exact), zero point in [-128, 127].
Quantization ActivationGrid(float min, float max);

// Symmetric per-output-channel int8 of a float weight whose dim 0 is the output channel:
// scale[o] = max |w[o, ...]| / 127, q = round(w / scale[o]) (an all-zero channel gets scale 1).
void QuantizeWeight(const Tensor& weight, std::vector<int8_t>* q, Quantization* quantization);

// Quantizes `graph` in place; fills the int8 fields of `report` (ops int8, calibration
// samples, ops kept float and agreement); summary lines go to `log`.
Status QuantizeInt8(const ConvertOptions& options, const FileMetadata& meta, Graph& graph,
                    ConvertReport* report, std::vector<std::string>* log);

}  // namespace frost::convert
