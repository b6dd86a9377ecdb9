// Binary (Add, Sub, Mul, Div, Max, Min, Pow) with numpy broadcasting of the physical shapes.
#include <cmath>

#include "ops/fused.hpp"
#include "ops/nd_index.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

using schema::BinaryKind;

Status InferBinary(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Binary& a = *op.options_as_Binary();
  if (a.kind() < BinaryKind::MIN || a.kind() > BinaryKind::MAX) {
    return Status::Error("unknown binary kind " + std::to_string(int(a.kind())));
  }
  if (auto s = CheckFused(a.fused()); !s) return s;
  if (!BroadcastShape(in[0], in[1], out)) {
    return Status::Error("shapes " + ShapeToString(in[0]) + " and " + ShapeToString(in[1]) +
                         " do not broadcast");
  }
  return Status::Ok();
}

float Apply(BinaryKind kind, float x, float y) {
  switch (kind) {
    case BinaryKind::ADD:
      return x + y;
    case BinaryKind::SUB:
      return x - y;
    case BinaryKind::MUL:
      return x * y;
    case BinaryKind::DIV:
      return x / y;
    // NaN propagates, as in numpy (which generated ONNX's reference outputs).
    case BinaryKind::MAXIMUM:
      return std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y);
    case BinaryKind::MINIMUM:
      return std::isnan(x) || std::isnan(y) ? NAN : std::min(x, y);
    case BinaryKind::POW:
      return std::pow(x, y);
  }
  return 0.0f;
}

void BinaryReference(BinaryKind kind, const Clamp& clamp, const Shape& as, const float* a,
                     const Shape& bs, const float* b, const Shape& ys, float* y) {
  const std::vector<int64_t> a_strides = BroadcastStrides(as, ys);
  const std::vector<int64_t> b_strides = BroadcastStrides(bs, ys);
  const int64_t count = ElementCount(ys);
  IndexCounter index(ys);
  for (int64_t i = 0; i < count; ++i, index.Next()) {
    const float va = a[Offset(index.index(), a_strides)];
    const float vb = b[Offset(index.index(), b_strides)];
    y[i] = clamp(Apply(kind, va, vb));
  }
}

// All XNNPACK binary setups share one signature.
using SetupFn = decltype(&xnn_setup_add_nd_f32);

SetupFn SetupFunction(BinaryKind kind) {
  switch (kind) {
    case BinaryKind::ADD:
      return xnn_setup_add_nd_f32;
    case BinaryKind::SUB:
      return xnn_setup_subtract_nd_f32;
    case BinaryKind::MUL:
      return xnn_setup_multiply_nd_f32;
    case BinaryKind::DIV:
      return xnn_setup_divide_nd_f32;
    case BinaryKind::MAXIMUM:
      return xnn_setup_maximum_nd_f32;
    case BinaryKind::MINIMUM:
      return xnn_setup_minimum_nd_f32;
    case BinaryKind::POW:
      break;
  }
  return nullptr;  // unreachable: POW never creates an operator
}

class BinaryKernel : public Kernel {
 public:
  explicit BinaryKernel(const schema::Binary& a) : kind_(a.kind()), clamp_(ClampOf(a.fused())) {}

  Status Init(const KernelArgs& args) {
    if (args.reference || !clamp_.xnn_compatible()) return Status::Ok();
    const float lo = clamp_.min, hi = clamp_.max;
    xnn_status status = xnn_status_unsupported_parameter;
    switch (kind_) {
      case BinaryKind::ADD:
        status = xnn_create_add_nd_f32(lo, hi, 0, op_.put());
        break;
      case BinaryKind::SUB:
        status = xnn_create_subtract_nd_f32(lo, hi, 0, op_.put());
        break;
      case BinaryKind::MUL:
        status = xnn_create_multiply_nd_f32(lo, hi, 0, op_.put());
        break;
      case BinaryKind::DIV:
        status = xnn_create_divide_nd_f32(lo, hi, 0, op_.put());
        break;
      // Maximum and minimum take no output range: the fused clamp runs after them.
      case BinaryKind::MAXIMUM:
        status = xnn_create_maximum_nd_f32(0, op_.put());
        break;
      case BinaryKind::MINIMUM:
        status = xnn_create_minimum_nd_f32(0, op_.put());
        break;
      case BinaryKind::POW:
        break;  // no XNNPACK operator
    }
    if (XnnRejected(status)) return Status::Ok();
    return XnnStatus(status, "xnn_create_binary_nd_f32");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    if (!op_) return Status::Ok();
    const Shape& as = io.input_shapes[0];
    const Shape& bs = io.input_shapes[1];
    // This XNNPACK takes at most XNN_MAX_TENSOR_DIMS (6) dims; larger ranks use the reference.
    if (as.size() > XNN_MAX_TENSOR_DIMS || bs.size() > XNN_MAX_TENSOR_DIMS) return Status::Ok();
    const std::vector<size_t> a_dims(as.begin(), as.end()), b_dims(bs.begin(), bs.end());
    xnn_status status =
        SetupFunction(kind_)(op_.get(), a_dims.size(), a_dims.data(), b_dims.size(), b_dims.data(),
                             io.inputs[0], io.inputs[1], io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_binary_nd_f32");
  }

  Status Run() override {
    if (!fast_) {
      BinaryReference(kind_, clamp_, io_.input_shapes[0], io_.inputs[0], io_.input_shapes[1],
                      io_.inputs[1], io_.output_shape, io_.output);
      return Status::Ok();
    }
    if (auto s = XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "binary"); !s) return s;
    if (kind_ == BinaryKind::MAXIMUM || kind_ == BinaryKind::MINIMUM) {
      clamp_.Apply(io_.output, ElementCount(io_.output_shape));
    }
    return Status::Ok();
  }

 private:
  BinaryKind kind_;
  Clamp clamp_;
  XnnOperator op_;
  KernelIo io_;
};

Status CreateBinary(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<BinaryKernel>(args, out, *args.op->options_as_Binary());
}

}  // namespace

const OpDef kBinary = {schema::OpOptions::Binary, "Binary",    2, 2, InferBinary,
                       ElementwiseFlops,          CreateBinary};

}  // namespace frost::ops
