// Quantized (int8) Conv2D and FullyConnected: what the two kernels share. A Conv2D or
// FullyConnected whose weight is INT8 runs as (see runtime/schema/frost.fbs):
//   q   = quantize(x) on the input tensor's grid
//   acc = sum (q - z_in) * w_q                         int32; padding adds nothing
//   y   = acc * (s_in * s_w[o]) + bias[o]              float
//   out = dequantize(quantize(clamp(y))) on the output tensor's grid
// so every value such an op writes lies on its output tensor's grid.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "ops/fused.hpp"
#include "ops/op.hpp"
#include "xnn_util.hpp"

namespace frost::ops {

// One int8 grid: real = scale * (q - zero_point), q in [-128, 127].
struct QuantParams {
  float scale = 1.0f;
  float inv_scale = 1.0f;  // 1 / scale, rounded to float: quantizing multiplies by it
  int32_t zero_point = 0;
};

// The nearest grid point to `x`: clamp(round(x * inv_scale) + zero_point, -128, 127), ties to
// even. Multiplying by the float reciprocal (not dividing) is XNNPACK's definition too, so
// the fast path quantizes exactly like this. NaN maps to -128.
inline int8_t Quantize(float x, const QuantParams& p) {
  const float lo = float(-128 - p.zero_point), hi = float(127 - p.zero_point);
  float v = x * p.inv_scale;
  if (!(v >= lo)) v = lo;
  if (v > hi) v = hi;
  return int8_t(int32_t(std::nearbyint(v)) + p.zero_point);
}

inline float Dequantize(int8_t q, const QuantParams& p) {
  return float(int32_t(q) - p.zero_point) * p.scale;
}

// The quantization of an int8 op, read from its tensors (KernelArgs) and checked.
struct Int8Params {
  QuantParams input, output;
  std::vector<float> weight_scales;  // per output channel: s_w[o]
  std::vector<float> multipliers;    // per output channel: s_in * s_w[o]
  const int8_t* weight = nullptr;  // [O, ...] as stored
  const float* bias = nullptr;     // [O] or nullptr
  Clamp clamp;
  int64_t out_channels = 0;

  // The output value of accumulator `acc` for channel `o`: bias, scale, clamp, requantize.
  float Output(int32_t acc, int64_t o) const {
    float y = float(acc) * multipliers[o] + (bias ? bias[o] : 0.0f);
    return Dequantize(Quantize(clamp(y), output), output);
  }
};

// Reads input 0's and the output's per-tensor params, input 1's per-channel weight scales
// (axis 0, zero point 0) and the optional bias; errors name what is missing or wrong.
Status ReadInt8Params(const KernelArgs& args, const Clamp& clamp, Int8Params* out);

// Quantizes `count` floats onto grid `p`.
void QuantizeArray(const float* x, size_t count, const QuantParams& p, int8_t* q);

// The geometry of an int8 convolution; a FullyConnected is a 1x1 convolution of N x 1 x 1.
struct ConvGeometry {
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t groups = 1;
  int64_t channels = 0;      // input channels
  int64_t out_channels = 0;  // output channels
};

// The fast path: XNNPACK's f32 -> qs8 conversion, its per-channel (qc8) convolution and the
// qs8 -> f32 conversion, the int8 tensors in the session's scratch. It matches the reference
// to within one step of the output grid: XNNPACK takes the bias as int32 in units of
// s_in * s_w[o] (rounded) and requantizes with the single factor s_in * s_w[o] / s_out.
class XnnInt8Conv {
 public:
  // False (and no error) when XNNPACK does not take these parameters: use the reference.
  Status Create(const Int8Params& p, const ConvGeometry& g, bool* created);
  size_t ScratchBytes(int64_t input_elements, int64_t output_elements) const;
  Status Setup(int64_t batch, int64_t height, int64_t width, const float* input,
               int64_t output_elements, float* output, void* scratch, pthreadpool_t pool);
  Status Run(pthreadpool_t pool);

 private:
  ConvGeometry g_;
  XnnOperator to_int8_, conv_, to_float_;
};

// Kernels for Conv2D / FullyConnected with an INT8 weight (conv2d_int8.cpp,
// fully_connected_int8.cpp); the float ops' create functions dispatch to them.
Status CreateConv2DInt8(const KernelArgs& args, std::unique_ptr<Kernel>* out);
Status CreateFullyConnectedInt8(const KernelArgs& args, std::unique_ptr<Kernel>* out);

// True if input `index` of `args` is an INT8 tensor.
inline bool IsInt8Input(const KernelArgs& args, size_t index) {
  return index < args.tensors.size() && args.tensors[index] != nullptr &&
         args.tensors[index]->type() == schema::DataType::INT8;
}

}  // namespace frost::ops
