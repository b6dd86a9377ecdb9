#include "ops/int8.hpp"

#include <algorithm>
#include <string>

namespace frost::ops {
namespace {

constexpr size_t kSlack = 64;  // XNNPACK reads up to XNN_EXTRA_BYTES past its inputs
static_assert(kSlack >= XNN_EXTRA_BYTES);

size_t Padded(int64_t bytes) { return RoundUp(uint64_t(bytes) + kSlack, 64); }

std::string Describe(const schema::Tensor* t) {
  std::string quoted = "'";  // (built up with += : GCC 12 misreads "'" + std::string as overlap)
  if (t && t->name()) quoted += t->name()->str();
  return quoted += "'";
}

// Per-tensor params of an activation around an int8 op.
Status ActivationParams(const schema::Tensor* t, const char* role, QuantParams* out) {
  const schema::Quantization* q = t ? t->quantization() : nullptr;
  if (q == nullptr || q->scale() == nullptr || q->scale()->size() != 1 || q->axis() != -1) {
    return Status::Error(std::string(role) + " " + Describe(t) +
                         " needs per-tensor int8 quantization (one scale, axis -1) because the "
                         "weight is INT8");
  }
  out->scale = q->scale()->Get(0);
  out->inv_scale = 1.0f / out->scale;
  out->zero_point = q->zero_point() && q->zero_point()->size() == 1
                        ? int32_t(q->zero_point()->Get(0))
                        : 0;
  // (The loader has checked scale > 0, finite, and zero point in [-128, 127].)
  if (!std::isfinite(out->inv_scale)) {
    return Status::Error(std::string(role) + " " + Describe(t) + ": scale " +
                         std::to_string(out->scale) + " is too small");
  }
  return Status::Ok();
}

}  // namespace

// The float bias in accumulator units. Kept within 2^30, so that adding it to any sum of
// products (at most 255 * 127 per term) stays far from int32 overflow for every real layer.
int32_t BiasUnits(float bias, float unit) {
  const double units = std::nearbyint(double(bias) / double(unit));
  return int32_t(std::clamp(units, -double(1 << 30), double(1 << 30)));
}

Status ReadInt8Params(const KernelArgs& args, const Clamp& clamp, Int8Params* out) {
  Int8Params p;
  if (auto s = ActivationParams(args.tensors[0], "input", &p.input); !s) return s;
  if (auto s = ActivationParams(args.output_tensor, "output", &p.output); !s) return s;
  const schema::Tensor* w = args.tensors[1];
  const int64_t out_channels = args.shapes[1][0];
  const schema::Quantization* q = w->quantization();
  if (q == nullptr || q->axis() != 0 || q->scale() == nullptr ||
      int64_t(q->scale()->size()) != out_channels) {
    return Status::Error("INT8 weight " + Describe(w) + " needs one scale per output channel (" +
                         std::to_string(out_channels) + ", axis 0)");
  }
  if (q->zero_point()) {
    for (int64_t z : *q->zero_point()) {
      if (z != 0) return Status::Error("INT8 weight " + Describe(w) + " must be symmetric (zero point 0)");
    }
  }
  const float* bias = nullptr;
  if (args.tensors.size() > 2 && args.tensors[2] != nullptr) {
    if (args.tensors[2]->type() != schema::DataType::FLOAT32 || args.constants[2] == nullptr) {
      return Status::Error("the bias of an int8 op must be a FLOAT32 constant");
    }
    bias = args.constants[2];
  }
  for (int64_t o = 0; o < out_channels; ++o) {
    const float weight_scale = q->scale()->Get(o);
    // The float operations in XNNPACK's order: (s_in * s_w) / s_out.
    const float unit = p.input.scale * weight_scale;
    p.weight_scales.push_back(weight_scale);
    p.bias.push_back(bias ? BiasUnits(bias[o], unit) : 0);
    p.requantize.push_back(unit / p.output.scale);
  }
  if (!std::isinf(clamp.min)) p.out_min = Quantize(clamp.min, p.output);
  if (!std::isinf(clamp.max)) p.out_max = Quantize(clamp.max, p.output);
  p.weight = static_cast<const int8_t*>(args.data[1]);
  p.out_channels = out_channels;
  *out = std::move(p);
  return Status::Ok();
}

void QuantizeArray(const float* x, size_t count, const QuantParams& p, int8_t* q) {
  for (size_t i = 0; i < count; ++i) q[i] = Quantize(x[i], p);
}

Status XnnInt8Conv::Create(const Int8Params& p, const ConvGeometry& g, bool* created) {
  *created = false;
  g_ = g;
  xnn_status status = xnn_create_convolution2d_nhwc_qc8(
      g.pad_top, g.pad_right, g.pad_bottom, g.pad_left, g.kernel_h, g.kernel_w, g.stride_h,
      g.stride_w, g.dilation_h, g.dilation_w, g.groups, g.channels / g.groups,
      g.out_channels / g.groups, g.channels, g.out_channels, int8_t(p.input.zero_point),
      p.input.scale, p.weight_scales.data(), p.weight, p.bias.data(), int8_t(p.output.zero_point),
      p.output.scale, int8_t(p.out_min), int8_t(p.out_max), /*flags=*/0, conv_.put());
  // E.g. a requantization factor m >= 256, or a clamp that leaves one value: the reference.
  if (XnnRejected(status)) return Status::Ok();
  if (auto s = XnnStatus(status, "xnn_create_convolution2d_nhwc_qc8"); !s) return s;
  status = xnn_create_convert_nc_f32_qs8(g.channels, g.channels, g.channels, p.input.scale,
                                         int8_t(p.input.zero_point), -128, 127, 0, to_int8_.put());
  if (XnnRejected(status)) return Status::Ok();
  if (auto s = XnnStatus(status, "xnn_create_convert_nc_f32_qs8"); !s) return s;
  status = xnn_create_convert_nc_qs8_f32(g.out_channels, g.out_channels, g.out_channels,
                                         p.output.scale, int8_t(p.output.zero_point), 0,
                                         to_float_.put());
  if (XnnRejected(status)) return Status::Ok();
  if (auto s = XnnStatus(status, "xnn_create_convert_nc_qs8_f32"); !s) return s;
  *created = true;
  return Status::Ok();
}

size_t XnnInt8Conv::ScratchBytes(int64_t input_elements, int64_t output_elements) const {
  return Padded(input_elements) + Padded(output_elements);
}

Status XnnInt8Conv::Setup(int64_t batch, int64_t height, int64_t width, const float* input,
                          int64_t output_elements, float* output, void* scratch,
                          pthreadpool_t pool) {
  auto* q_in = static_cast<int8_t*>(scratch);
  int8_t* q_out = q_in + Padded(batch * height * width * g_.channels);
  xnn_status status = xnn_setup_convert_nc_f32_qs8(to_int8_.get(), size_t(batch * height * width),
                                                   input, q_in, pool);
  if (auto s = XnnStatus(status, "xnn_setup_convert_nc_f32_qs8"); !s) return s;
  status = xnn_setup_convolution2d_nhwc_qc8(conv_.get(), batch, height, width, q_in, q_out, pool);
  if (auto s = XnnStatus(status, "xnn_setup_convolution2d_nhwc_qc8"); !s) return s;
  status = xnn_setup_convert_nc_qs8_f32(to_float_.get(), size_t(output_elements / g_.out_channels),
                                        q_out, output, pool);
  return XnnStatus(status, "xnn_setup_convert_nc_qs8_f32");
}

Status XnnInt8Conv::Run(pthreadpool_t pool) {
  if (auto s = XnnStatus(xnn_run_operator(to_int8_.get(), pool), "quantize input"); !s) return s;
  if (auto s = XnnStatus(xnn_run_operator(conv_.get(), pool), "int8 convolution"); !s) return s;
  return XnnStatus(xnn_run_operator(to_float_.get(), pool), "dequantize output");
}

Status OwnInt8Conv::Create(const Int8Params& p, const ConvGeometry& g, const KernelArgs& args) {
  input_ = p.input;
  lo_ = float(p.out_min - p.output.zero_point);
  hi_ = float(p.out_max - p.output.zero_point);
  scale_ = p.output.scale;
  params_.kh = g.kernel_h, params_.kw = g.kernel_w;
  params_.stride_h = g.stride_h, params_.stride_w = g.stride_w;
  params_.dilation_h = g.dilation_h, params_.dilation_w = g.dilation_w;
  params_.pad_top = g.pad_top, params_.pad_left = g.pad_left;
  params_.channels = g.channels;
  const int64_t k = g.kernel_h * g.kernel_w * g.channels;
  auto consumed = [&](int64_t row0, int64_t rows) {
    if (args.release) args.release(p.weight + row0 * k, size_t(rows * k));
  };
  packed_ = kernels::PackedInt8Weights::Pack(p.weight, g.out_channels, k, p.bias.data(),
                                             p.requantize.data(), p.input.zero_point, consumed,
                                             args.threadpool);
  if (packed_ == nullptr) return Status::Error("out of memory packing the int8 weight");
  return Status::Ok();
}

size_t OwnInt8Conv::ScratchBytes(int64_t input_elements) const {
  return RoundUp(uint64_t(input_elements), 64);
}

void OwnInt8Conv::Run(const float* input, int64_t batch, int64_t height, int64_t width,
                      int64_t out_height, int64_t out_width, float* output, void* scratch,
                      pthreadpool_t pool) const {
  auto* u = static_cast<uint8_t*>(scratch);
  const int32_t shift = input_.zero_point + 128;
  kernels::QuantizeToUnsigned(input, batch * height * width * params_.channels, input_.inv_scale,
                              float(-128 - input_.zero_point), float(127 - input_.zero_point),
                              shift, u);
  const kernels::GemmInt8Out out{output, packed_->n(), lo_, hi_, scale_};
  kernels::ConvInt8(params_, *packed_, u, uint8_t(shift), batch, height, width, out_height,
                    out_width, out, pool);
}

Status Int8Kernel::InitFast(const ConvGeometry& g, const KernelArgs& args) {
  if (args.reference) return Status::Ok();
  if (g.groups == 1 && args.isa == kernels::Isa::kAvx512 && kernels::CpuSupportsAvx512Vnni()) {
    if (auto s = own_.Create(p_, g, args); !s) return s;
    own_ready_ = true;
    return Status::Ok();
  }
  return xnn_.Create(p_, g, &xnn_ready_);
}

size_t Int8Kernel::ScratchBytes(const KernelIo& io) const {
  const int64_t in = ElementCount(io.input_shapes[0]);
  int64_t n, h, w;
  if (own_ready_ && ImageDims(io, &n, &h, &w)) return own_.ScratchBytes(in);
  if (xnn_ready_ && ImageDims(io, &n, &h, &w)) {
    return xnn_.ScratchBytes(in, ElementCount(io.output_shape));
  }
  return size_t(in);  // the quantized input
}

Status Int8Kernel::Setup(const KernelIo& io) {
  io_ = io;
  path_ = Path::kReference;
  if (!ImageDims(io, &n_, &h_, &w_)) return Status::Ok();
  if (own_ready_) {
    path_ = Path::kOwn;
    return Status::Ok();
  }
  if (!xnn_ready_) return Status::Ok();
  if (auto s = xnn_.Setup(n_, h_, w_, io.inputs[0], ElementCount(io.output_shape), io.output,
                          io.scratch, io.threadpool);
      !s) {
    return s;
  }
  path_ = Path::kXnnpack;
  return Status::Ok();
}

Status Int8Kernel::Run() {
  switch (path_) {
    case Path::kXnnpack: return xnn_.Run(io_.threadpool);
    case Path::kOwn: {
      // Conv2D's output is [N, OH, OW, O]; FullyConnected's [N, O] is an N x 1 x 1 image.
      const Shape& y = io_.output_shape;
      const int64_t oh = y.size() == 4 ? y[1] : 1, ow = y.size() == 4 ? y[2] : 1;
      own_.Run(io_.inputs[0], n_, h_, w_, oh, ow, io_.output, io_.scratch, io_.threadpool);
      return Status::Ok();
    }
    case Path::kReference: break;
  }
  auto* xq = static_cast<int8_t*>(io_.scratch);
  QuantizeArray(io_.inputs[0], size_t(ElementCount(io_.input_shapes[0])), p_.input, xq);
  RunReference(xq);
  return Status::Ok();
}

const char* Int8Kernel::backend() const {
  switch (path_) {
    case Path::kXnnpack: return "xnnpack";
    case Path::kOwn: return "avx512vnni";
    case Path::kReference: break;
  }
  return "reference";
}

}  // namespace frost::ops
