// FullyConnected with an INT8 weight [O, K] (per-output-channel scales): the reference kernel,
// exactly as int8.hpp defines the op, and the fast path, XNNPACK's qc8
// convolution with a 1x1 kernel over an N x 1 x 1 image (this XNNPACK has no per-channel
// fully connected operator; on [N, K] the two compute the same).
#include "ops/int8.hpp"

namespace frost::ops {
namespace {

// `xq` is the input [N, K] already quantized onto the input grid.
void FullyConnectedInt8Reference(const Int8Params& p, int64_t N, int64_t K, const int8_t* xq,
                                 float* y) {
  const int64_t O = p.out_channels;
  const int32_t z = p.input.zero_point;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t o = 0; o < O; ++o) {
      const int8_t* xp = xq + n * K;
      const int8_t* wp = p.weight + o * K;
      int32_t acc = 0;
      for (int64_t k = 0; k < K; ++k) acc += (int32_t(xp[k]) - z) * int32_t(wp[k]);
      y[n * O + o] = p.Output(acc, o);
    }
  }
}

class FullyConnectedInt8Kernel : public Int8Kernel {
 public:
  Status Init(const KernelArgs& args) {
    const Clamp clamp = ClampOf(args.op->options_as_FullyConnected()->fused());
    if (auto s = ReadInt8Params(args, clamp, &p_); !s) return s;
    in_channels_ = args.shapes[1][1];
    ConvGeometry g;  // 1x1, stride 1, no padding
    g.channels = in_channels_;
    g.out_channels = p_.out_channels;
    return InitFast(g, args);
  }

 private:
  bool ImageDims(const KernelIo& io, int64_t* n, int64_t* h, int64_t* w) const override {
    *n = io.input_shapes[0][0], *h = 1, *w = 1;
    return true;
  }

  void RunReference(const int8_t* xq) override {
    FullyConnectedInt8Reference(p_, io_.input_shapes[0][0], in_channels_, xq, io_.output);
  }

  int64_t in_channels_ = 0;
};

}  // namespace

Status CreateFullyConnectedInt8(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<FullyConnectedInt8Kernel>(args, out);
}

}  // namespace frost::ops
