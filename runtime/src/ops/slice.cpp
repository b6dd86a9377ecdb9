// Slice with one (start, end, step) per physical axis, normalised by the converter:
// 0 <= start, and the elements are start, start + step, ... while < end (step > 0) or
// > end (step < 0); end may be -1 for a negative step that runs to index 0. Starts and ends
// past the dim are clamped as in ONNX, so a slice over the whole batch axis still works when
// the batch grows.
#include <algorithm>

#include "ops/nd_index.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"

namespace frost::ops {
namespace {

struct AxisSlice {
  int64_t start = 0, step = 1, count = 0;
};

Status SliceAxes(const schema::Slice& a, const Shape& x, std::vector<AxisSlice>* axes) {
  const size_t rank = x.size();
  if (a.starts() == nullptr || a.ends() == nullptr || a.steps() == nullptr ||
      a.starts()->size() != rank || a.ends()->size() != rank || a.steps()->size() != rank) {
    return Status::Error("starts, ends and steps need one entry per input dim of " +
                         ShapeToString(x));
  }
  axes->assign(rank, {});
  for (size_t i = 0; i < rank; ++i) {
    int64_t start = a.starts()->Get(i), end = a.ends()->Get(i);
    const int64_t step = a.steps()->Get(i), dim = x[i];
    const std::string where = "axis " + std::to_string(i) + ": ";
    if (step == 0) return Status::Error(where + "step is 0");
    if (step < -kMaxElements || step > kMaxElements) return Status::Error(where + "step too large");
    if (start < 0) return Status::Error(where + "negative start " + std::to_string(start));
    int64_t count = 0;
    if (step > 0) {
      if (end < 0) return Status::Error(where + "negative end " + std::to_string(end));
      start = std::min(start, dim);
      end = std::min(end, dim);
      if (end > start) count = (end - start + step - 1) / step;
    } else {
      if (end < -1) return Status::Error(where + "end below -1: " + std::to_string(end));
      start = std::min(start, dim - 1);
      end = std::min(end, dim - 1);
      if (start > end) count = (start - end + (-step) - 1) / (-step);
    }
    (*axes)[i] = {start, step, count};
  }
  return Status::Ok();
}

Status InferSlice(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  std::vector<AxisSlice> axes;
  if (auto s = SliceAxes(*op.options_as_Slice(), in[0], &axes); !s) return s;
  out->resize(axes.size());
  for (size_t i = 0; i < axes.size(); ++i) (*out)[i] = axes[i].count;
  return Status::Ok();
}

class SliceKernel : public Kernel {
 public:
  explicit SliceKernel(const schema::Slice& a) : a_(a) {}

  Status Setup(const KernelIo& io) override {
    io_ = io;
    std::vector<AxisSlice> axes;
    if (auto s = SliceAxes(a_, io.input_shapes[0], &axes); !s) return s;
    const std::vector<int64_t> strides = Strides(io.input_shapes[0]);
    base_ = 0;
    in_strides_.resize(axes.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      base_ += axes[i].start * strides[i];
      in_strides_[i] = axes[i].step * strides[i];
    }
    return Status::Ok();
  }

  Status Run() override {
    if (ElementCount(io_.output_shape) > 0) {
      StridedCopy(io_.output_shape, in_strides_, io_.inputs[0] + base_, io_.output);
    }
    return Status::Ok();
  }

 private:
  const schema::Slice& a_;
  int64_t base_ = 0;
  std::vector<int64_t> in_strides_;
  KernelIo io_;
};

Status CreateSlice(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<SliceKernel>(*args.op->options_as_Slice());
  return Status::Ok();
}

}  // namespace

const OpDef kSlice = {schema::OpOptions::Slice, "Slice", 1, 1, InferSlice, NoFlops, CreateSlice};

}  // namespace frost::ops
