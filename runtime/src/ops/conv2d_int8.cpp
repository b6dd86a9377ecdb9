// Conv2D with an INT8 weight [O, KH, KW, C/groups] (OHWI, per-output-channel scales): the
// reference kernel, exactly as int8.hpp defines the op, and the XNNPACK
// qc8 fast path. Shape inference and FLOPs are Conv2D's own (conv2d.cpp).
#include "ops/int8.hpp"

namespace frost::ops {
namespace {

// `xq` is the input already quantized onto the input grid.
void Conv2DInt8Reference(const schema::Conv2D& a, const Int8Params& p, const Shape& xs,
                         const int8_t* xq, const Shape& ws, const Shape& ys, float* y) {
  const int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3];
  const int64_t OH = ys[1], OW = ys[2], O = ys[3];
  const int64_t KH = ws[1], KW = ws[2], group_in = ws[3];
  const int64_t group_out = O / a.groups();
  const int32_t z = p.input.zero_point;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t oy = 0; oy < OH; ++oy) {
      for (int64_t ox = 0; ox < OW; ++ox) {
        for (int64_t o = 0; o < O; ++o) {
          const int64_t c0 = (o / group_out) * group_in;
          int32_t acc = 0;
          for (int64_t ky = 0; ky < KH; ++ky) {
            const int64_t iy = oy * a.stride_h() - a.pad_top() + ky * a.dilation_h();
            if (iy < 0 || iy >= H) continue;  // padding: real 0, adds nothing
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t ix = ox * a.stride_w() - a.pad_left() + kx * a.dilation_w();
              if (ix < 0 || ix >= W) continue;
              const int8_t* xp = xq + ((n * H + iy) * W + ix) * C + c0;
              const int8_t* wp = p.weight + ((o * KH + ky) * KW + kx) * group_in;
              for (int64_t c = 0; c < group_in; ++c) acc += (int32_t(xp[c]) - z) * int32_t(wp[c]);
            }
          }
          y[((n * OH + oy) * OW + ox) * O + o] = p.Output(acc, o);
        }
      }
    }
  }
}

class Conv2DInt8Kernel : public Int8Kernel {
 public:
  explicit Conv2DInt8Kernel(const KernelArgs& args)
      : a_(*args.op->options_as_Conv2D()), weight_shape_(args.shapes[1]) {}

  Status Init(const KernelArgs& args) {
    if (auto s = ReadInt8Params(args, ClampOf(a_.fused()), &p_); !s) return s;
    channels_ = args.shapes[0][3];
    ConvGeometry g;
    g.kernel_h = a_.kernel_h(), g.kernel_w = a_.kernel_w();
    g.stride_h = a_.stride_h(), g.stride_w = a_.stride_w();
    g.dilation_h = a_.dilation_h(), g.dilation_w = a_.dilation_w();
    g.pad_top = a_.pad_top(), g.pad_left = a_.pad_left();
    g.pad_bottom = a_.pad_bottom(), g.pad_right = a_.pad_right();
    g.groups = a_.groups();
    g.channels = channels_;
    g.out_channels = weight_shape_[0];
    return InitFast(g, args);
  }

 private:
  bool ImageDims(const KernelIo& io, int64_t* n, int64_t* h, int64_t* w) const override {
    const Shape& x = io.input_shapes[0];
    *n = x[0], *h = x[1], *w = x[2];
    // The operator was made for the stored channel count (see Conv2DKernel::Setup).
    return x[3] == channels_;
  }

  void RunReference(const int8_t* xq) override {
    Conv2DInt8Reference(a_, p_, io_.input_shapes[0], xq, weight_shape_, io_.output_shape,
                        io_.output);
  }

  const schema::Conv2D& a_;
  Shape weight_shape_;
  int64_t channels_ = 0;
};

}  // namespace

Status CreateConv2DInt8(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<Conv2DInt8Kernel>(args, out, args);
}

}  // namespace frost::ops
