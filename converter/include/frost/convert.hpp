// frost converter: ONNX -> .frost.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost {

struct ConvertOptions {
  std::string input_path;    // .onnx
  std::string output_path;   // .frost, written atomically (temp file + fsync + rename)
  // Preprocessing recorded in the model; unset fields take the defaults below.
  std::optional<float> scale;             // default 1/255
  std::optional<std::vector<float>> mean; // default ImageNet (0.485, 0.456, 0.406)
  std::optional<std::vector<float>> std;  // default ImageNet (0.229, 0.224, 0.225)
  bool bgr = false;
  float crop_fraction = 1.0f;
  std::string labels_path;     // one label per line; empty: none
  std::string feature_tensor;  // ONNX tensor name; empty: the input of the final FC layer(s)
  int64_t batch = 1;           // value for a symbolic batch axis while folding
  bool verbose = false;        // report what each pass changed
  // Store the weights of Conv, FullyConnected and MatMul as IEEE float16 (half the file);
  // biases and all other tensors stay float32. The runtime computes in float32 either way.
  bool fp16 = false;
  // Write every weight in plain layout. By default the weights of the layers frost's x86
  // kernels run are stored in the layout those kernels read (PANELS32), so that a session
  // uses them in place instead of packing them at start; any runtime build reads both.
  bool plain_weights = false;
  // Fuse a ResNet block's shortcut Add (and the Relu after it) into the float Conv that
  // produces one of its operands: the Conv adds the other operand in its epilogue
  // (converter/src/passes/fuse_residual_add.cpp). Off: the Add stays a separate op.
  bool fuse_residual_add = true;
  // "" keeps float32. "int8": Conv and FullyConnected get INT8 weights (symmetric, one scale
  // per output channel) and their input and output tensors int8 grids chosen from the
  // ranges those tensors take on the calibration data (see runtime/schema/frost.fbs).
  std::string quantize;
  std::string calibration;         // data set spec as `frost eval --data` takes (DIR, idx:, npy:)
  size_t calibration_images = 500;  // at most this many, taken evenly from every class
  // How each activation grid's range is chosen from the calibrated values: "mse", the range
  // with the least expected squared error (rounding inside, clipping outside), or
  // "percentile": between calibration_percentile and its mirror (99.999: the outer 0.001 % on
  // each side clipped; 100 = min and max).
  std::string calibration_range = "mse";
  double calibration_percentile = 99.999;
  // How weights are rounded to int8: "gptq", column by column with each rounding error pushed
  // onto the weights not yet rounded (weighted by the layer's calibrated input statistics:
  // the least output error, see converter/src/quantize/weight_rounding.hpp), or "nearest".
  std::string weight_rounding = "gptq";
  // Automatic mixed precision: if the int8 model's top-1 agrees with the float model's on
  // fewer than this percent of the calibration samples, the ops whose int8 version changes
  // the output most stay float until it does (converter/src/quantize/mixed_precision.hpp).
  // 0: every candidate op int8, nothing measured; 100: every calibration sample must agree.
  double int8_min_agreement = 99.0;
};

struct ConvertReport {
  std::vector<std::string> log;  // one line per pass that changed something
  size_t num_ops = 0;
  size_t num_params = 0;
  size_t quantized_ops = 0;       // ops with INT8 weights (--quantize int8)
  size_t calibration_images = 0;  // images the activation ranges were measured on
  // --quantize int8 with int8_min_agreement > 0: the Conv / FullyConnected ops kept float
  // (node output names) and the top-1 agreement with the float model on the calibration
  // samples, all candidates int8 and as written (percent).
  std::vector<std::string> float_ops;
  double all_int8_agreement = 100;
  double calibration_agreement = 100;
  bool agreement_measured = false;
};

// Converts; on any error no output file exists and the message names the node, op type
// and opset at fault. The written file is loaded back with the runtime before it is
// moved into place, so the converter never leaves a file the runtime rejects.
Status Convert(const ConvertOptions& options, ConvertReport* report = nullptr);

}  // namespace frost
