// FullyConnected: y = x W^T + b with x [N, K], weight [O, K], optional bias [O].
#include "kernels/conv.hpp"
#include "ops/fused.hpp"
#include "ops/int8.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "ops/weights.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

Status InferFullyConnected(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  if (auto s = CheckFused(op.options_as_FullyConnected()->fused()); !s) return s;
  const Shape& x = in[0];
  const Shape& w = in[1];
  if (x.size() != 2) return Status::Error("input must be 2-D [N, K], got " + ShapeToString(x));
  if (!in.constant[1]) return Status::Error("weight must be a constant");
  if (w.size() != 2 || w[1] != x[1]) {
    return Status::Error("weight " + ShapeToString(w) + " must be [O, " + std::to_string(x[1]) +
                         "] for input " + ShapeToString(x));
  }
  if (in.has(2)) {
    if (!in.constant[2]) return Status::Error("bias must be a constant");
    if (in[2] != Shape{w[0]}) {
      return Status::Error("bias " + ShapeToString(in[2]) + " must be [" + std::to_string(w[0]) +
                           "]");
    }
  }
  *out = {x[0], w[0]};
  return Status::Ok();
}

double FullyConnectedFlops(const schema::Operator&, const ShapeArgs& in, const Shape& out) {
  return 2.0 * double(ElementCount(out)) * double(in[1][1]);
}

void FullyConnectedReference(const Clamp& clamp, int64_t N, int64_t K, int64_t O, const float* x,
                             const float* w, const float* bias, float* y) {
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t o = 0; o < O; ++o) {
      double acc = bias ? bias[o] : 0.0;
      for (int64_t k = 0; k < K; ++k) acc += double(x[n * K + k]) * double(w[o * K + k]);
      y[n * O + o] = clamp(float(acc));
    }
  }
}

class FullyConnectedKernel : public Kernel {
 public:
  explicit FullyConnectedKernel(const KernelArgs& args)
      : clamp_(ClampOf(args.op->options_as_FullyConnected()->fused())),
        out_channels_(args.shapes[1][0]),
        in_channels_(args.shapes[1][1]) {}

  Status Init(const KernelArgs& args) {
    if (!args.reference && args.isa != kernels::Isa::kNone) {
      isa_ = args.isa;  // frost's own kernels
      return PackWeight(args, out_channels_, in_channels_, &packed_);
    }
    if (auto s = weights_.Bind(args); !s) return s;
    if (args.reference || !clamp_.xnn_compatible()) return Status::Ok();
    xnn_status status =
        xnn_create_fully_connected_nc_f32(in_channels_, out_channels_, in_channels_, out_channels_,
                                          weights_.weight.data(), weights_.bias.data(), clamp_.min, clamp_.max,
                                          0, op_.put());
    if (XnnRejected(status)) return Status::Ok();
    if (status == xnn_status_success) weights_.Release();  // XNNPACK packed its own copy
    return XnnStatus(status, "xnn_create_fully_connected_nc_f32");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    if (!op_) return weights_.Load();  // frost's own kernel (nothing to load) or the reference
    xnn_status status = xnn_setup_fully_connected_nc_f32(op_.get(), io.input_shapes[0][0],
                                                         io.inputs[0], io.output, io.threadpool);
    if (XnnRejected(status)) return weights_.Load();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_fully_connected_nc_f32");
  }

  Status Run() override {
    if (packed_ != nullptr) {
      kernels::FullyConnectedF32(isa_, *packed_, io_.inputs[0], io_.input_shapes[0][0], io_.output,
                                 clamp_.min, clamp_.max, io_.threadpool);
      return Status::Ok();
    }
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "fully connected");
    FullyConnectedReference(clamp_, io_.input_shapes[0][0], in_channels_, out_channels_,
                            io_.inputs[0], weights_.weight.data(), weights_.bias.data(), io_.output);
    return Status::Ok();
  }

  bool ReadsInPlace(size_t input) const override {
    return input == 1 && packed_ != nullptr && packed_->in_place();
  }

  const char* backend() const override {
    return packed_ != nullptr ? kernels::IsaName(isa_) : Kernel::backend();
  }

 private:
  Clamp clamp_;
  int64_t out_channels_, in_channels_;
  WeightAndBias weights_;  // float32 for XNNPACK to pack and for the reference kernel
  XnnOperator op_;
  KernelIo io_;
  kernels::Isa isa_ = kernels::Isa::kNone;
  std::unique_ptr<kernels::PackedWeights> packed_;
};

Status CreateFullyConnected(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  if (IsInt8Input(args, 1)) return CreateFullyConnectedInt8(args, out);  // a quantized op
  return MakeKernel<FullyConnectedKernel>(args, out, args);
}

}  // namespace

const OpDef kFullyConnected = {schema::OpOptions::FullyConnected,
                               "FullyConnected",
                               2,
                               3,
                               InferFullyConnected,
                               FullyConnectedFlops,
                               CreateFullyConnected};

}  // namespace frost::ops
