// Unary elementwise ops with ONNX semantics. alpha/beta as in ONNX (LeakyRelu alpha, Elu
// alpha, HardSigmoid alpha/beta, Selu alpha and gamma = beta); Clip uses min/max.
#include <cmath>

#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

using schema::UnaryKind;

Status InferUnary(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Unary& a = *op.options_as_Unary();
  if (a.kind() < UnaryKind::MIN || a.kind() > UnaryKind::MAX) {
    return Status::Error("unknown unary kind " + std::to_string(int(a.kind())));
  }
  if (a.kind() == UnaryKind::CLIP && (std::isnan(a.min()) || std::isnan(a.max()))) {
    return Status::Error("Clip bound is NaN");
  }
  *out = in[0];
  return Status::Ok();
}

double UnaryReference(const schema::Unary& a, double x) {
  switch (a.kind()) {
    case UnaryKind::RELU:
      return x > 0 ? x : 0.0;
    case UnaryKind::LEAKY_RELU:
      return x < 0 ? a.alpha() * x : x;
    case UnaryKind::CLIP:
      return std::min(std::max(x, double(a.min())), double(a.max()));
    case UnaryKind::SIGMOID:
      return 1.0 / (1.0 + std::exp(-x));
    case UnaryKind::TANH:
      return std::tanh(x);
    case UnaryKind::ABS:
      return std::fabs(x);
    case UnaryKind::NEG:
      return -x;
    case UnaryKind::EXP:
      return std::exp(x);
    case UnaryKind::LOG:
      return std::log(x);
    case UnaryKind::SQRT:
      return std::sqrt(x);
    case UnaryKind::FLOOR:
      return std::floor(x);
    case UnaryKind::CEIL:
      return std::ceil(x);
    case UnaryKind::RECIPROCAL:
      return 1.0 / x;
    case UnaryKind::ELU:
      return x < 0 ? a.alpha() * (std::exp(x) - 1.0) : x;
    case UnaryKind::HARD_SIGMOID:
      return std::max(0.0, std::min(1.0, a.alpha() * x + a.beta()));
    case UnaryKind::HARD_SWISH:
      return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
    // log(1 + e^x), written so that large x does not overflow.
    case UnaryKind::SOFTPLUS:
      return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
    case UnaryKind::SOFTSIGN:
      return x / (1.0 + std::fabs(x));
    case UnaryKind::SELU:
      return a.beta() * (x > 0 ? x : a.alpha() * (std::exp(x) - 1.0));
    case UnaryKind::IDENTITY:
      return x;
  }
  return x;
}

class UnaryKernel : public Kernel {
 public:
  explicit UnaryKernel(const schema::Unary& a) : a_(a) {}

  // Elementwise operators are made for 1 channel and set up with the element count as the
  // batch: XNNPACK then walks the whole tensor as one contiguous run.
  Status Init(const KernelArgs& args) {
    if (args.reference) return Status::Ok();
    const float inf = INFINITY;
    xnn_operator_t* op = op_.put();
    xnn_status status = xnn_status_unsupported_parameter;
    switch (a_.kind()) {
      case UnaryKind::RELU:
        status = xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, inf, 0, op);
        break;
      case UnaryKind::CLIP:
        // XNNPACK needs min < max; Clip(min >= max) runs on the reference kernel.
        if (a_.min() < a_.max()) {
          status = xnn_create_clamp_nc_f32(1, 1, 1, a_.min(), a_.max(), 0, op);
        }
        break;
      case UnaryKind::LEAKY_RELU:
        status = xnn_create_leaky_relu_nc_f32(1, 1, 1, a_.alpha(), 0, op);
        break;
      case UnaryKind::SIGMOID:
        status = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::ABS:
        status = xnn_create_abs_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::NEG:
        status = xnn_create_negate_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::FLOOR:
        status = xnn_create_floor_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::CEIL:
        status = xnn_create_ceiling_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::SQRT:
        status = xnn_create_square_root_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::ELU:
        status = xnn_create_elu_nc_f32(1, 1, 1, a_.alpha(), 0, op);
        break;
      case UnaryKind::HARD_SWISH:
        status = xnn_create_hardswish_nc_f32(1, 1, 1, 0, op);
        break;
      case UnaryKind::IDENTITY:
        status = xnn_create_copy_nc_x32(1, 1, 1, 0, op);
        break;
      default:
        break;  // no XNNPACK operator in this version: reference kernel
    }
    if (XnnRejected(status)) {
      op_.reset();
      return Status::Ok();
    }
    return XnnStatus(status, "xnn_create unary");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    if (!op_) return Status::Ok();
    const size_t n = ElementCount(io.output_shape);
    const float* x = io.inputs[0];
    float* y = io.output;
    pthreadpool_t pool = io.threadpool;
    xnn_operator_t op = op_.get();
    xnn_status status = xnn_status_unsupported_parameter;
    switch (a_.kind()) {
      case UnaryKind::RELU:
      case UnaryKind::CLIP:
        status = xnn_setup_clamp_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::LEAKY_RELU:
        status = xnn_setup_leaky_relu_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::SIGMOID:
        status = xnn_setup_sigmoid_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::ABS:
        status = xnn_setup_abs_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::NEG:
        status = xnn_setup_negate_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::FLOOR:
        status = xnn_setup_floor_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::CEIL:
        status = xnn_setup_ceiling_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::SQRT:
        status = xnn_setup_square_root_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::ELU:
        status = xnn_setup_elu_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::HARD_SWISH:
        status = xnn_setup_hardswish_nc_f32(op, n, x, y, pool);
        break;
      case UnaryKind::IDENTITY:
        status = xnn_setup_copy_nc_x32(op, n, x, y, pool);
        break;
      default:
        break;
    }
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup unary");
  }

  Status Run() override {
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "unary");
    const int64_t n = ElementCount(io_.output_shape);
    for (int64_t i = 0; i < n; ++i) io_.output[i] = float(UnaryReference(a_, io_.inputs[0][i]));
    return Status::Ok();
  }

 private:
  const schema::Unary& a_;
  XnnOperator op_;
  KernelIo io_;
};

Status CreateUnary(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<UnaryKernel>(args, out, *args.op->options_as_Unary());
}

}  // namespace

const OpDef kUnary = {schema::OpOptions::Unary, "Unary",    1, 1, InferUnary,
                      ElementwiseFlops,         CreateUnary};

}  // namespace frost::ops
