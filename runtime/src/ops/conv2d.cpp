// Conv2D: x [N, H, W, C] NHWC, weight [O, KH, KW, C/groups] OHWI, optional bias [O], optional
// residual [N, OH, OW, O] NHWC added before the fused clamp (a ResNet shortcut; frost.fbs).
// The OHWI weight is exactly XNNPACK's layout, for any number of groups (depthwise is
// groups == C): [groups * group_out, KH, KW, group_in].
#include <cmath>

#include "kernels/conv.hpp"
#include "kernels/winograd.hpp"
#include "ops/fused.hpp"
#include "ops/int8.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "ops/weights.hpp"
#include "ops/window.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

Status CheckAttributes(const schema::Conv2D& a) {
  if (a.kernel_h() <= 0 || a.kernel_w() <= 0) {
    return Status::Error("kernel " + std::to_string(a.kernel_h()) + "x" +
                         std::to_string(a.kernel_w()) + " must be positive");
  }
  if (a.stride_h() <= 0 || a.stride_w() <= 0) return Status::Error("stride must be positive");
  if (a.dilation_h() <= 0 || a.dilation_w() <= 0) {
    return Status::Error("dilation must be positive");
  }
  if (a.pad_top() < 0 || a.pad_left() < 0 || a.pad_bottom() < 0 || a.pad_right() < 0) {
    return Status::Error("padding must not be negative");
  }
  if (a.groups() <= 0) return Status::Error("groups must be positive");
  return CheckFused(a.fused());
}

Status InferConv2D(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Conv2D& a = *op.options_as_Conv2D();
  if (auto s = CheckAttributes(a); !s) return s;
  const Shape& x = in[0];
  const Shape& w = in[1];
  if (x.size() != 4) return Status::Error("input must be 4-D NHWC, got " + ShapeToString(x));
  if (!in.constant[1]) return Status::Error("weight must be a constant");
  if (w.size() != 4) return Status::Error("weight must be 4-D OHWI, got " + ShapeToString(w));
  if (w[1] != a.kernel_h() || w[2] != a.kernel_w()) {
    return Status::Error("weight " + ShapeToString(w) + " does not match kernel " +
                         std::to_string(a.kernel_h()) + "x" + std::to_string(a.kernel_w()));
  }
  int64_t groups = a.groups();
  if (x[3] % groups != 0 || w[0] % groups != 0) {
    return Status::Error(std::to_string(groups) + " groups do not divide input channels " +
                         std::to_string(x[3]) + " and output channels " + std::to_string(w[0]));
  }
  if (w[3] * groups != x[3]) {
    return Status::Error("weight " + ShapeToString(w) + " expects " +
                         std::to_string(w[3] * groups) + " input channels, input has " +
                         std::to_string(x[3]) + " (" + std::to_string(groups) + " groups)");
  }
  if (in.has(2)) {
    if (!in.constant[2]) return Status::Error("bias must be a constant");
    if (in[2] != Shape{w[0]}) {
      return Status::Error("bias " + ShapeToString(in[2]) + " must be [" + std::to_string(w[0]) +
                           "]");
    }
  }
  int64_t oh =
      WindowOutput(x[1], a.pad_top(), a.pad_bottom(), a.kernel_h(), a.stride_h(), a.dilation_h());
  int64_t ow =
      WindowOutput(x[2], a.pad_left(), a.pad_right(), a.kernel_w(), a.stride_w(), a.dilation_w());
  if (oh < 0 || ow < 0) {
    return Status::Error("kernel does not fit in the padded input " + ShapeToString(x));
  }
  *out = {x[0], oh, ow, w[0]};
  if (in.has(3)) {
    if (in.constant[3]) return Status::Error("residual must be an activation, not a constant");
    if (in[3] != *out) {
      return Status::Error("residual " + ShapeToString(in[3]) + " must have the output's shape " +
                           ShapeToString(*out));
    }
  }
  return Status::Ok();
}

double Conv2DFlops(const schema::Operator& op, const ShapeArgs& in, const Shape& out) {
  const Shape& w = in[1];
  const double residual = in.has(3) ? double(ElementCount(out)) : 0.0;  // as the Add counted
  return 2.0 * double(ElementCount(out)) * double(w[1] * w[2] * w[3]) + residual;
}

// Reference: direct convolution, accumulated in double, plus the residual (nullptr: none).
void Conv2DReference(const schema::Conv2D& a, const Shape& xs, const float* x, const Shape& ws,
                     const float* w, const float* bias, const float* residual, const Shape& ys,
                     float* y) {
  const int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3];
  const int64_t OH = ys[1], OW = ys[2], O = ys[3];
  const int64_t KH = ws[1], KW = ws[2], group_in = ws[3];
  const int64_t group_out = O / a.groups();
  Clamp clamp = ClampOf(a.fused());
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t oy = 0; oy < OH; ++oy) {
      for (int64_t ox = 0; ox < OW; ++ox) {
        for (int64_t o = 0; o < O; ++o) {
          const int64_t c0 = (o / group_out) * group_in;
          double acc = bias ? bias[o] : 0.0;
          for (int64_t ky = 0; ky < KH; ++ky) {
            const int64_t iy = oy * a.stride_h() - a.pad_top() + ky * a.dilation_h();
            if (iy < 0 || iy >= H) continue;
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t ix = ox * a.stride_w() - a.pad_left() + kx * a.dilation_w();
              if (ix < 0 || ix >= W) continue;
              const float* xp = x + ((n * H + iy) * W + ix) * C + c0;
              const float* wp = w + ((o * KH + ky) * KW + kx) * group_in;
              for (int64_t c = 0; c < group_in; ++c) acc += double(xp[c]) * double(wp[c]);
            }
          }
          const int64_t at = ((n * OH + oy) * OW + ox) * O + o;
          if (residual != nullptr) acc += double(residual[at]);
          y[at] = clamp(float(acc));
        }
      }
    }
  }
}

class Conv2DKernel : public Kernel {
 public:
  explicit Conv2DKernel(const KernelArgs& args)
      : a_(*args.op->options_as_Conv2D()),
        weight_shape_(args.shapes[1]) {}

  Status Init(const KernelArgs& args) {
    channels_ = args.shapes[0][3];
    has_residual_ = args.shapes.size() > 3 && args.tensors[3] != nullptr;
    Clamp clamp = ClampOf(a_.fused());
    const bool worth_it =
        args.isa_chosen || weight_shape_[0] >= kernels::kMinOwnConvChannels;
    if (!args.reference && a_.groups() == 1 && args.isa != kernels::Isa::kNone && worth_it) {
      if (auto s = weights_.weight.Bind(args, 1); !s) return s;  // loaded only if ever needed
      if (auto s = weights_.bias.Bind(args, 2); !s) return s;
      return InitOwn(args);
    }
    if (auto s = weights_.Bind(args); !s) return s;
    if (args.reference || !clamp.xnn_compatible()) return Status::Ok();
    // XNNPACK's convolution takes no residual: with one, the convolution writes its output
    // unclamped and an add operator then adds the residual in place and applies the clamp
    // (XNNPACK's elementwise ops may write over an input).
    if (has_residual_) {
      xnn_status status = xnn_create_add_nd_f32(clamp.min, clamp.max, /*flags=*/0, add_.put());
      if (XnnRejected(status)) return Status::Ok();  // the reference kernel runs instead
      if (auto s = XnnStatus(status, "xnn_create_add_nd_f32"); !s) return s;
      clamp = Clamp{};
    }
    const int64_t groups = a_.groups();
    const int64_t channels = channels_;
    const int64_t out_channels = weight_shape_[0];
    xnn_status status = xnn_create_convolution2d_nhwc_f32(
        a_.pad_top(), a_.pad_right(), a_.pad_bottom(), a_.pad_left(), a_.kernel_h(), a_.kernel_w(),
        a_.stride_h(), a_.stride_w(), a_.dilation_h(), a_.dilation_w(), groups, channels / groups,
        out_channels / groups, channels, out_channels, weights_.weight.data(),
        weights_.bias.data(), clamp.min, clamp.max, /*flags=*/0, op_.put());
    if (XnnRejected(status)) return Status::Ok();  // the reference kernel runs instead
    if (status == xnn_status_success) weights_.Release();  // XNNPACK packed its own copy
    return XnnStatus(status, "xnn_create_convolution2d_nhwc_f32");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    const Shape& x = io.input_shapes[0];
    // The operator was made for the stored channel count; a graph that moves the batch into
    // the channels (never a sane one) runs on the reference kernel instead.
    if (packed_ != nullptr) {
      if (x[3] != channels_) return weights_.Load();
      const Shape& y = io.output_shape;
      const Clamp clamp = ClampOf(a_.fused());
      conv_io_.x = io.inputs[0];
      conv_io_.batch = x[0];
      conv_io_.h = x[1];
      conv_io_.w = x[2];
      conv_io_.oh = y[1];
      conv_io_.ow = y[2];
      conv_io_.y = io.output;
      conv_io_.residual = residual();
      conv_io_.lo = clamp.min;
      conv_io_.hi = clamp.max;
      // As ConvF32 decides it.
      winograd_ = io.scratch != nullptr &&
                  kernels::WinogradApplies(isa_, params_, y[3], x[0], y[1], y[2]);
      return Status::Ok();
    }
    if (!op_ || x[3] != channels_) return weights_.Load();
    xnn_status status = xnn_setup_convolution2d_nhwc_f32(op_.get(), x[0], x[1], x[2], io.inputs[0],
                                                         io.output, io.threadpool);
    if (XnnRejected(status)) return weights_.Load();
    if (status != xnn_status_success) return XnnStatus(status, "xnn_setup_convolution2d_nhwc_f32");
    if (has_residual_) {
      const Shape& y = io.output_shape;
      const size_t dims[4] = {size_t(y[0]), size_t(y[1]), size_t(y[2]), size_t(y[3])};
      status = xnn_setup_add_nd_f32(add_.get(), 4, dims, 4, dims, io.output, io.inputs[3],
                                    io.output, io.threadpool);
      if (XnnRejected(status)) return weights_.Load();
      if (status != xnn_status_success) return XnnStatus(status, "xnn_setup_add_nd_f32");
    }
    fast_ = true;
    return Status::Ok();
  }

  size_t ScratchBytes(const KernelIo& io) const override {
    if (packed_ == nullptr || io.input_shapes[0][3] != channels_) return 0;
    const Shape& y = io.output_shape;
    return kernels::ConvScratchBytes(isa_, params_, y[3], y[0], y[1], y[2], io.threadpool);
  }

  Status Run() override {
    if (packed_ != nullptr && io_.input_shapes[0][3] == channels_) {
      kernels::ConvF32(isa_, params_, *packed_, conv_io_, io_.scratch, io_.threadpool);
      return Status::Ok();
    }
    if (fast_) {
      if (auto s = XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "convolution"); !s) {
        return s;
      }
      if (!has_residual_) return Status::Ok();
      return XnnStatus(xnn_run_operator(add_.get(), io_.threadpool), "residual add");
    }
    Conv2DReference(a_, io_.input_shapes[0], io_.inputs[0], weight_shape_, weights_.weight.data(),
                    weights_.bias.data(), residual(), io_.output_shape, io_.output);
    return Status::Ok();
  }

  bool ReadsInPlace(size_t input) const override {
    return input == 1 && packed_ != nullptr && packed_->in_place();
  }

  const char* backend() const override {
    if (packed_ == nullptr) return Kernel::backend();
    if (winograd_) return isa_ == kernels::Isa::kAvx512 ? "avx512 winograd" : "avx2 winograd";
    return kernels::IsaName(isa_);
  }

 private:
  const float* residual() const { return has_residual_ ? io_.inputs[3] : nullptr; }

  // frost's own kernels: the weight packed into 32-channel panels, its file pages dropped
  // panel by panel as they are packed.
  Status InitOwn(const KernelArgs& args) {
    isa_ = args.isa;
    params_.kh = a_.kernel_h();
    params_.kw = a_.kernel_w();
    params_.stride_h = a_.stride_h();
    params_.stride_w = a_.stride_w();
    params_.dilation_h = a_.dilation_h();
    params_.dilation_w = a_.dilation_w();
    params_.pad_top = a_.pad_top();
    params_.pad_left = a_.pad_left();
    params_.channels = channels_;
    return PackWeight(args, weight_shape_[0], a_.kernel_h() * a_.kernel_w() * channels_,
                      &packed_);
  }

  const schema::Conv2D& a_;
  Shape weight_shape_;
  WeightAndBias weights_;  // float32 for XNNPACK to pack and for the reference kernel
  int64_t channels_ = 0;
  bool has_residual_ = false;
  XnnOperator op_;
  XnnOperator add_;  // with a residual: adds it after op_ and applies the clamp
  KernelIo io_;
  kernels::Isa isa_ = kernels::Isa::kNone;
  kernels::ConvParams params_;
  std::unique_ptr<kernels::PackedWeights> packed_;
  kernels::ConvIo conv_io_;  // frost's kernels: the last Setup's tensors
  bool winograd_ = false;  // the last Setup's shapes run as Winograd F(4x4, 3x3)
};

Status CreateConv2D(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  if (IsInt8Input(args, 1)) {  // a quantized op
    if (args.tensors.size() > 3 && args.tensors[3] != nullptr) {
      return Status::Error(
          "a Conv2D with an INT8 weight takes no residual (input 3): only float convolutions "
          "add one");
    }
    return CreateConv2DInt8(args, out);
  }
  return MakeKernel<Conv2DKernel>(args, out, args);
}

}  // namespace

const OpDef kConv2D = {
    schema::OpOptions::Conv2D, "Conv2D", 2, 4, InferConv2D, Conv2DFlops, CreateConv2D};

}  // namespace frost::ops
