// Pool2D (max / average): x [N, H, W, C] NHWC -> [N, OH, OW, C].
// Padding never counts toward an average unless count_include_pad; then the divisor is
// the full kernel size.
#include <cmath>
#include <limits>

#include "ops/fused.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "ops/window.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

Status InferPool2D(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Pool2D& a = *op.options_as_Pool2D();
  if (a.kind() != schema::PoolKind::MAXIMUM && a.kind() != schema::PoolKind::AVERAGE) {
    return Status::Error("unknown pool kind " + std::to_string(int(a.kind())));
  }
  if (a.kernel_h() <= 0 || a.kernel_w() <= 0) return Status::Error("kernel must be positive");
  if (a.stride_h() <= 0 || a.stride_w() <= 0) return Status::Error("stride must be positive");
  if (a.dilation_h() <= 0 || a.dilation_w() <= 0) {
    return Status::Error("dilation must be positive");
  }
  if (a.pad_top() < 0 || a.pad_left() < 0 || a.pad_bottom() < 0 || a.pad_right() < 0) {
    return Status::Error("padding must not be negative");
  }
  if (auto s = CheckFused(a.fused()); !s) return s;
  const Shape& x = in[0];
  if (x.size() != 4) return Status::Error("input must be 4-D NHWC, got " + ShapeToString(x));
  int64_t oh =
      WindowOutput(x[1], a.pad_top(), a.pad_bottom(), a.kernel_h(), a.stride_h(), a.dilation_h());
  int64_t ow =
      WindowOutput(x[2], a.pad_left(), a.pad_right(), a.kernel_w(), a.stride_w(), a.dilation_w());
  if (oh < 0 || ow < 0) {
    return Status::Error("kernel does not fit in the padded input " + ShapeToString(x));
  }
  if (!EveryWindowTouchesInput(x[1], a.pad_top(), oh, a.kernel_h(), a.stride_h(), a.dilation_h()) ||
      !EveryWindowTouchesInput(x[2], a.pad_left(), ow, a.kernel_w(), a.stride_w(),
                               a.dilation_w())) {
    return Status::Error("a pooling window lies wholly in the padding of input " +
                         ShapeToString(x));
  }
  *out = {x[0], oh, ow, x[3]};
  return Status::Ok();
}

double Pool2DFlops(const schema::Operator& op, const ShapeArgs&, const Shape& out) {
  const schema::Pool2D& a = *op.options_as_Pool2D();
  return double(ElementCount(out)) * a.kernel_h() * a.kernel_w();
}

void Pool2DReference(const schema::Pool2D& a, const Shape& xs, const float* x, const Shape& ys,
                     float* y) {
  const int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3];
  const int64_t OH = ys[1], OW = ys[2];
  const bool is_max = a.kind() == schema::PoolKind::MAXIMUM;
  const Clamp clamp = ClampOf(a.fused());
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t oy = 0; oy < OH; ++oy) {
      for (int64_t ox = 0; ox < OW; ++ox) {
        for (int64_t c = 0; c < C; ++c) {
          double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t count = 0;
          for (int64_t ky = 0; ky < a.kernel_h(); ++ky) {
            const int64_t iy = oy * a.stride_h() - a.pad_top() + ky * a.dilation_h();
            if (iy < 0 || iy >= H) continue;
            for (int64_t kx = 0; kx < a.kernel_w(); ++kx) {
              const int64_t ix = ox * a.stride_w() - a.pad_left() + kx * a.dilation_w();
              if (ix < 0 || ix >= W) continue;
              const double v = x[((n * H + iy) * W + ix) * C + c];
              acc = is_max ? std::max(acc, v) : acc + v;
              ++count;
            }
          }
          if (!is_max) {
            acc /= a.count_include_pad() ? double(a.kernel_h() * a.kernel_w()) : double(count);
          }
          y[((n * OH + oy) * OW + ox) * C + c] = clamp(float(acc));
        }
      }
    }
  }
}

bool HasPadding(const schema::Pool2D& a) {
  return a.pad_top() || a.pad_left() || a.pad_bottom() || a.pad_right();
}

class Pool2DKernel : public Kernel {
 public:
  explicit Pool2DKernel(const schema::Pool2D& a) : a_(a) {}

  Status Init(const KernelArgs& args) {
    channels_ = args.shapes[0][3];
    const Clamp clamp = ClampOf(a_.fused());
    if (args.reference || !clamp.xnn_compatible()) return Status::Ok();
    const size_t channels = channels_;
    xnn_status status;
    if (a_.kind() == schema::PoolKind::MAXIMUM) {
      status = xnn_create_max_pooling2d_nhwc_f32(
          a_.pad_top(), a_.pad_right(), a_.pad_bottom(), a_.pad_left(), a_.kernel_h(),
          a_.kernel_w(), a_.stride_h(), a_.stride_w(), a_.dilation_h(), a_.dilation_w(), channels,
          channels, channels, clamp.min, clamp.max, 0, op_.put());
    } else {
      // XNNPACK's average pooling has no dilation, and with padding it divides by the number
      // of valid pixels (tested against the reference), i.e. count_include_pad = false.
      if (a_.dilation_h() != 1 || a_.dilation_w() != 1) return Status::Ok();
      if (HasPadding(a_) && a_.count_include_pad()) return Status::Ok();
      status = xnn_create_average_pooling2d_nhwc_f32(
          a_.pad_top(), a_.pad_right(), a_.pad_bottom(), a_.pad_left(), a_.kernel_h(),
          a_.kernel_w(), a_.stride_h(), a_.stride_w(), channels, channels, channels, clamp.min,
          clamp.max, 0, op_.put());
    }
    if (XnnRejected(status)) return Status::Ok();  // e.g. a 1x1 window: reference instead
    return XnnStatus(status, "xnn_create_pooling2d_nhwc_f32");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    const Shape& x = io.input_shapes[0];
    // The operator was made for the stored channel count; a graph that moves the batch into
    // the channels (never a sane one) runs on the reference kernel instead.
    if (!op_ || x[3] != channels_) return Status::Ok();
    xnn_status status =
        a_.kind() == schema::PoolKind::MAXIMUM
            ? xnn_setup_max_pooling2d_nhwc_f32(op_.get(), x[0], x[1], x[2], io.inputs[0], io.output,
                                               io.threadpool)
            : xnn_setup_average_pooling2d_nhwc_f32(op_.get(), x[0], x[1], x[2], io.inputs[0],
                                                   io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_pooling2d_nhwc_f32");
  }

  Status Run() override {
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "pooling");
    Pool2DReference(a_, io_.input_shapes[0], io_.inputs[0], io_.output_shape, io_.output);
    return Status::Ok();
  }

 private:
  const schema::Pool2D& a_;
  int64_t channels_ = 0;
  XnnOperator op_;
  KernelIo io_;
};

Status CreatePool2D(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<Pool2DKernel>(args, out, *args.op->options_as_Pool2D());
}

}  // namespace

const OpDef kPool2D = {
    schema::OpOptions::Pool2D, "Pool2D", 1, 1, InferPool2D, Pool2DFlops, CreatePool2D};

}  // namespace frost::ops
