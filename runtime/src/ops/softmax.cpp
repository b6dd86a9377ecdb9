// Softmax / LogSoftmax over `axis` of the physical shape. coerce_2d (opset < 13): the input is
// viewed as [prod(dims < axis), prod(dims >= axis)] and normalised over the second dim.
#include <cmath>

#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

// The input as [outer, axis_size, inner]; softmax runs along the middle dim.
struct SoftmaxView {
  int64_t outer = 1, size = 1, inner = 1;
};

SoftmaxView ViewOf(const schema::Softmax& a, const Shape& shape) {
  const int64_t rank = shape.size();
  const int64_t axis = a.axis() < 0 ? a.axis() + rank : a.axis();
  SoftmaxView v;
  for (int64_t i = 0; i < rank; ++i) {
    if (i < axis) {
      v.outer *= shape[i];
    } else if (i == axis || a.coerce_2d()) {
      v.size *= shape[i];
    } else {
      v.inner *= shape[i];
    }
  }
  return v;
}

Status InferSoftmax(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Softmax& a = *op.options_as_Softmax();
  const int64_t rank = in[0].size();
  if (rank == 0) return Status::Error("input must be at least 1-D");
  if (a.axis() < -rank || a.axis() >= rank) {
    return Status::Error("axis " + std::to_string(a.axis()) + " out of range for rank " +
                         std::to_string(rank));
  }
  *out = in[0];
  return Status::Ok();
}

double SoftmaxFlops(const schema::Operator&, const ShapeArgs&, const Shape& out) {
  return 3.0 * double(ElementCount(out));  // exp, sum, divide per element
}

void SoftmaxReference(bool log, const SoftmaxView& v, const float* x, float* y) {
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t i = 0; i < v.inner; ++i) {
      const float* xp = x + o * v.size * v.inner + i;
      float* yp = y + o * v.size * v.inner + i;
      double max = -INFINITY;
      for (int64_t k = 0; k < v.size; ++k) max = std::max(max, double(xp[k * v.inner]));
      double sum = 0.0;
      for (int64_t k = 0; k < v.size; ++k) sum += std::exp(xp[k * v.inner] - max);
      for (int64_t k = 0; k < v.size; ++k) {
        const double shifted = xp[k * v.inner] - max;
        yp[k * v.inner] = float(log ? shifted - std::log(sum) : std::exp(shifted) / sum);
      }
    }
  }
}

class SoftmaxKernel : public Kernel {
 public:
  SoftmaxKernel(const schema::Softmax& a, bool reference) : a_(a), reference_(reference) {}

  // XNNPACK's softmax normalises contiguous rows: usable when inner == 1 and not log.
  Status Setup(const KernelIo& io) override {
    io_ = io;
    view_ = ViewOf(a_, io.input_shapes[0]);
    fast_ = false;
    if (reference_ || a_.log() || view_.inner != 1 || view_.size == 0) return Status::Ok();
    if (!op_ || channels_ != view_.size) {
      channels_ = view_.size;
      xnn_status status = xnn_create_softmax_nc_f32(channels_, channels_, channels_, 0, op_.put());
      if (XnnRejected(status)) {
        op_.reset();
        return Status::Ok();
      }
      if (auto s = XnnStatus(status, "xnn_create_softmax_nc_f32"); !s) return s;
    }
    xnn_status status =
        xnn_setup_softmax_nc_f32(op_.get(), view_.outer, io.inputs[0], io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_softmax_nc_f32");
  }

  Status Run() override {
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "softmax");
    SoftmaxReference(a_.log(), view_, io_.inputs[0], io_.output);
    return Status::Ok();
  }

 private:
  const schema::Softmax& a_;
  bool reference_;
  SoftmaxView view_;
  int64_t channels_ = 0;
  XnnOperator op_;
  KernelIo io_;
};

Status CreateSoftmax(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<SoftmaxKernel>(*args.op->options_as_Softmax(), args.reference);
  return Status::Ok();
}

}  // namespace

const OpDef kSoftmax = {
    schema::OpOptions::Softmax, "Softmax", 1, 1, InferSoftmax, SoftmaxFlops, CreateSoftmax};

}  // namespace frost::ops
