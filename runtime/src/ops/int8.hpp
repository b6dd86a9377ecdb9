// Quantized (int8) Conv2D and FullyConnected: what the two kernels share. A Conv2D or
// FullyConnected whose weight is INT8 runs as (see runtime/schema/frost.fbs):
//   q   = quantize(x) on the input tensor's grid (s_in, z_in)
//   acc = sum (q - z_in) * w_q + bias_q[o]              int32; padding adds nothing
//         bias_q[o] = round(bias[o] / (s_in * s_w[o]))  the float bias in accumulator units
//   out = clamp(round(acc * m[o]) + z_out, lo, hi)      m[o] = s_in * s_w[o] / s_out (float)
//         lo, hi: the fused clamp's bounds rounded onto the output grid (else -128, 127)
//   y   = (out - z_out) * s_out                         written as float
// so every value such an op writes lies on its output tensor's grid. Rounding is to nearest,
// ties to even. This is the arithmetic of XNNPACK's qc8 kernels (an int32 bias, one float
// factor per channel): the fast path computes exactly the same values.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/conv_int8.hpp"
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
  std::vector<int32_t> bias;         // per output channel: bias_q[o] (0 without a bias)
  std::vector<float> requantize;     // per output channel: m[o]
  int32_t out_min = -128, out_max = 127;  // the fused clamp on the output grid
  const int8_t* weight = nullptr;         // [O, ...] as stored
  int64_t out_channels = 0;

  // The value written for the sum `acc` (without the bias) of channel `o`.
  float Output(int32_t acc, int64_t o) const {
    const float lo = float(out_min - output.zero_point), hi = float(out_max - output.zero_point);
    float v = float(acc + bias[o]) * requantize[o];
    if (!(v >= lo)) v = lo;
    if (v > hi) v = hi;
    return float(int32_t(std::nearbyint(v))) * output.scale;
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
// qs8 -> f32 conversion, the int8 tensors in the session's scratch. Same values as the
// reference, bit for bit (tests/ops/int8_test.cpp).
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

// frost's own fast path (kernels/conv_int8.hpp, AVX-512 VNNI): the weights packed once, the
// input quantized to unsigned bytes into the session's scratch, the output written as float
// by the GEMM's epilogue. Same values as the reference, bit for bit.
class OwnInt8Conv {
 public:
  // Packs p's weights for `g` (one group) on `args`' threads, dropping their file pages.
  Status Create(const Int8Params& p, const ConvGeometry& g, const KernelArgs& args);
  size_t ScratchBytes(int64_t input_elements) const;
  void Run(const float* input, int64_t batch, int64_t height, int64_t width, int64_t out_height,
           int64_t out_width, float* output, void* scratch, pthreadpool_t pool) const;

 private:
  QuantParams input_;
  float lo_ = 0, hi_ = 0, scale_ = 1;  // the output clamp and grid, for the epilogue
  kernels::ConvParams params_;
  std::unique_ptr<kernels::PackedInt8Weights> packed_;
};

// What the int8 Conv2D and FullyConnected kernels share: their params, the fast paths
// (frost's own on a CPU with AVX-512 VNNI, else XNNPACK's), and for the reference path the
// input quantized into the session's scratch.
class Int8Kernel : public Kernel {
 public:
  size_t ScratchBytes(const KernelIo& io) const override;
  Status Setup(const KernelIo& io) override;
  Status Run() override;
  const char* backend() const override;

 protected:
  // Creates a fast path for `g`, unless args.reference: frost's own where the session chose
  // AVX-512 and the CPU has VNNI (one group), else XNNPACK's unless it declines.
  Status InitFast(const ConvGeometry& g, const KernelArgs& args);
  // The input as the convolution's N x H x W image; false: the reference kernel must run.
  virtual bool ImageDims(const KernelIo& io, int64_t* n, int64_t* h, int64_t* w) const = 0;
  // The reference kernel for io_, on the input already quantized into `xq`.
  virtual void RunReference(const int8_t* xq) = 0;

  Int8Params p_;
  KernelIo io_;

 private:
  enum class Path { kReference, kXnnpack, kOwn };
  Path path_ = Path::kReference;  // what Setup chose
  int64_t n_ = 0, h_ = 0, w_ = 0;  // the input image, as Setup found it (own path)
  XnnInt8Conv xnn_;
  bool xnn_ready_ = false;
  OwnInt8Conv own_;
  bool own_ready_ = false;
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
