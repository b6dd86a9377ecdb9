// Pad with pads [begin_0 .. begin_{r-1}, end_0 .. end_{r-1}] >= 0 on the physical axes.
// CONSTANT fills with `value`; REFLECT mirrors without repeating the edge; EDGE repeats it.
#include "ops/nd_index.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

using schema::PadMode;

Status InferPad(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const schema::Pad& a = *op.options_as_Pad();
  const Shape& x = in[0];
  const size_t rank = x.size();
  if (a.mode() < PadMode::MIN || a.mode() > PadMode::MAX) {
    return Status::Error("unknown pad mode " + std::to_string(int(a.mode())));
  }
  if (a.pads() == nullptr || a.pads()->size() != 2 * rank) {
    return Status::Error("pads must have 2 x rank = " + std::to_string(2 * rank) + " entries");
  }
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t begin = a.pads()->Get(i), end = a.pads()->Get(i + rank);
    if (begin < 0 || end < 0 || begin > kMaxElements || end > kMaxElements) {
      return Status::Error("pads on axis " + std::to_string(i) + " must be in [0, 2^48]");
    }
    if (a.mode() == PadMode::REFLECT && (begin >= x[i] || end >= x[i]) && (begin || end)) {
      return Status::Error("reflect padding on axis " + std::to_string(i) +
                           " must be smaller than the dim " + std::to_string(x[i]));
    }
    if (a.mode() == PadMode::EDGE && x[i] == 0 && (begin || end)) {
      return Status::Error("edge padding of an empty axis " + std::to_string(i));
    }
    result[i] = x[i] + begin + end;
  }
  *out = std::move(result);
  return Status::Ok();
}

// Input index for output index `o` along an axis of size `dim` padded by `begin`;
// -1 for a constant-padded position.
int64_t SourceIndex(PadMode mode, int64_t o, int64_t begin, int64_t dim) {
  int64_t i = o - begin;
  if (i >= 0 && i < dim) return i;
  switch (mode) {
    case PadMode::CONSTANT:
      return -1;
    case PadMode::EDGE:
      return i < 0 ? 0 : dim - 1;
    case PadMode::REFLECT:
      return i < 0 ? -i : 2 * (dim - 1) - i;
  }
  return -1;
}

class PadKernel : public Kernel {
 public:
  PadKernel(const schema::Pad& a, bool reference) : a_(a), reference_(reference) {}

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    const Shape& x = io.input_shapes[0];
    if (reference_ || a_.mode() != PadMode::CONSTANT || x.size() > XNN_MAX_TENSOR_DIMS ||
        ElementCount(x) == 0) {
      return Status::Ok();
    }
    if (!op_) {
      const float value = a_.value();
      xnn_status status = xnn_create_constant_pad_nd_x32(&value, 0, op_.put());
      if (XnnRejected(status)) return Status::Ok();
      if (auto s = XnnStatus(status, "xnn_create_constant_pad_nd_x32"); !s) return s;
    }
    const size_t rank = x.size();
    std::vector<size_t> dims(x.begin(), x.end()), pre(rank), post(rank);
    for (size_t i = 0; i < rank; ++i) {
      pre[i] = a_.pads()->Get(i);
      post[i] = a_.pads()->Get(i + rank);
    }
    xnn_status status =
        xnn_setup_constant_pad_nd_x32(op_.get(), rank, dims.data(), pre.data(), post.data(),
                                      io.inputs[0], io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_constant_pad_nd_x32");
  }

  Status Run() override {
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "Pad");
    const Shape& x = io_.input_shapes[0];
    const size_t rank = x.size();
    const std::vector<int64_t> strides = Strides(x);
    const int64_t count = ElementCount(io_.output_shape);
    IndexCounter index(io_.output_shape);
    for (int64_t i = 0; i < count; ++i, index.Next()) {
      int64_t offset = 0;
      bool inside = true;
      for (size_t d = 0; d < rank && inside; ++d) {
        const int64_t s = SourceIndex(a_.mode(), index[d], a_.pads()->Get(d), x[d]);
        inside = s >= 0;
        offset += s * strides[d];
      }
      io_.output[i] = inside ? io_.inputs[0][offset] : a_.value();
    }
    return Status::Ok();
  }

 private:
  const schema::Pad& a_;
  bool reference_;
  XnnOperator op_;
  KernelIo io_;
};

Status CreatePad(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<PadKernel>(*args.op->options_as_Pad(), args.reference);
  return Status::Ok();
}

}  // namespace

const OpDef kPad = {schema::OpOptions::Pad, "Pad", 1, 1, InferPad, NoFlops, CreatePad};

}  // namespace frost::ops
