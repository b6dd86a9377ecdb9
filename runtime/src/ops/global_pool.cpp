// GlobalPool (max / average over H and W): x [N, H, W, C] NHWC -> [N, 1, 1, C].
#include <limits>

#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

Status InferGlobalPool(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::GlobalPool& a = *op.options_as_GlobalPool();
  if (a.kind() != schema::PoolKind::MAXIMUM && a.kind() != schema::PoolKind::AVERAGE) {
    return Status::Error("unknown pool kind " + std::to_string(int(a.kind())));
  }
  const Shape& x = in[0];
  if (x.size() != 4) return Status::Error("input must be 4-D NHWC, got " + ShapeToString(x));
  if (x[1] * x[2] == 0) return Status::Error("cannot pool an empty image " + ShapeToString(x));
  *out = {x[0], 1, 1, x[3]};
  return Status::Ok();
}

double GlobalPoolFlops(const schema::Operator&, const ShapeArgs& in, const Shape&) {
  return double(ElementCount(in[0]));
}

void GlobalPoolReference(schema::PoolKind kind, const Shape& xs, const float* x, float* y) {
  const int64_t N = xs[0], HW = xs[1] * xs[2], C = xs[3];
  const bool is_max = kind == schema::PoolKind::MAXIMUM;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t c = 0; c < C; ++c) {
      double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
      for (int64_t p = 0; p < HW; ++p) {
        const double v = x[(n * HW + p) * C + c];
        acc = is_max ? std::max(acc, v) : acc + v;
      }
      y[n * C + c] = float(is_max ? acc : acc / double(HW));
    }
  }
}

class GlobalPoolKernel : public Kernel {
 public:
  explicit GlobalPoolKernel(schema::PoolKind kind) : kind_(kind) {}

  Status Init(const KernelArgs& args) {
    channels_ = args.shapes[0][3];
    if (args.reference || kind_ != schema::PoolKind::AVERAGE) return Status::Ok();
    const size_t channels = channels_;
    xnn_status status = xnn_create_global_average_pooling_nwc_f32(
        channels, channels, channels, -std::numeric_limits<float>::infinity(),
        std::numeric_limits<float>::infinity(), 0, op_.put());
    if (XnnRejected(status)) return Status::Ok();
    return XnnStatus(status, "xnn_create_global_average_pooling_nwc_f32");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    const Shape& x = io.input_shapes[0];
    // The operator was made for the stored channel count; a graph that moves the batch into
    // the channels (never a sane one) runs on the reference kernel instead.
    if (!op_ || x[3] != channels_) return Status::Ok();
    xnn_status status = xnn_setup_global_average_pooling_nwc_f32(
        op_.get(), x[0], x[1] * x[2], io.inputs[0], io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_global_average_pooling_nwc_f32");
  }

  Status Run() override {
    if (fast_) {
      return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "global average pooling");
    }
    GlobalPoolReference(kind_, io_.input_shapes[0], io_.inputs[0], io_.output);
    return Status::Ok();
  }

 private:
  schema::PoolKind kind_;
  int64_t channels_ = 0;
  XnnOperator op_;
  KernelIo io_;
};

Status CreateGlobalPool(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<GlobalPoolKernel>(args, out, args.op->options_as_GlobalPool()->kind());
}

}  // namespace

const OpDef kGlobalPool = {schema::OpOptions::GlobalPool,
                           "GlobalPool",
                           1,
                           1,
                           InferGlobalPool,
                           GlobalPoolFlops,
                           CreateGlobalPool};

}  // namespace frost::ops
