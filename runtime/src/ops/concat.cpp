// Concat along `axis`: all inputs have the same rank and equal dims except along the axis.
#include <cstring>

#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

int64_t NormalizedAxis(const schema::Concat& a, size_t rank) {
  return a.axis() < 0 ? a.axis() + int64_t(rank) : a.axis();
}

Status InferConcat(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const Shape& first = in[0];
  const int64_t rank = first.size();
  const int64_t axis = NormalizedAxis(*op.options_as_Concat(), rank);
  if (axis < 0 || axis >= rank) {
    return Status::Error("axis " + std::to_string(op.options_as_Concat()->axis()) +
                         " out of range for rank " + std::to_string(rank));
  }
  Shape result = first;
  for (size_t i = 1; i < in.size(); ++i) {
    if (!in.has(i)) return Status::Error("input " + std::to_string(i) + " is absent");
    const Shape& s = in[i];
    bool compatible = int64_t(s.size()) == rank;
    for (int64_t d = 0; compatible && d < rank; ++d) compatible = d == axis || s[d] == first[d];
    if (!compatible) {
      return Status::Error("input " + std::to_string(i) + " " + ShapeToString(s) +
                           " does not match input 0 " + ShapeToString(first) + " off axis " +
                           std::to_string(axis));
    }
    result[axis] += s[axis];
    if (result[axis] > kMaxElements) return Status::Error("concatenated axis too large");
  }
  *out = std::move(result);
  return Status::Ok();
}

// Each input is a [outer, rows_i] block copied to columns [offset_i, offset_i + rows_i) of the
// [outer, total] output.
struct ConcatPart {
  int64_t row = 0;     // elements per outer index in this input
  int64_t offset = 0;  // where those elements start in an output row
};

class ConcatKernel : public Kernel {
 public:
  ConcatKernel(const schema::Concat& a, bool reference) : a_(a), reference_(reference) {}

  Status Setup(const KernelIo& io) override {
    io_ = io;
    const Shape& out = io.output_shape;
    const int64_t axis = NormalizedAxis(a_, out.size());
    outer_ = 1;
    for (int64_t d = 0; d < axis; ++d) outer_ *= out[d];
    int64_t inner = 1;
    for (size_t d = axis + 1; d < out.size(); ++d) inner *= out[d];
    total_ = out[axis] * inner;
    parts_.clear();
    int64_t offset = 0;
    for (const Shape& s : io.input_shapes) {
      parts_.push_back({s[axis] * inner, offset});
      offset += s[axis] * inner;
    }
    fast_ = false;
    ops_.clear();
    if (reference_) return Status::Ok();
    // One XNNPACK strided copy per input.
    ops_.resize(parts_.size());
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (parts_[i].row == 0 || outer_ == 0) continue;
      xnn_status status =
          xnn_create_copy_nc_x32(parts_[i].row, parts_[i].row, total_, 0, ops_[i].put());
      if (status == xnn_status_success) {
        status = xnn_setup_copy_nc_x32(ops_[i].get(), outer_, io.inputs[i],
                                       io.output + parts_[i].offset, io.threadpool);
      }
      if (XnnRejected(status)) {
        ops_.clear();
        return Status::Ok();
      }
      if (auto s = XnnStatus(status, "xnn_copy_nc_x32 (Concat)"); !s) return s;
    }
    fast_ = true;
    return Status::Ok();
  }

  Status Run() override {
    if (fast_) {
      for (XnnOperator& op : ops_) {
        if (!op) continue;
        if (auto s = XnnStatus(xnn_run_operator(op.get(), io_.threadpool), "Concat"); !s) {
          return s;
        }
      }
      return Status::Ok();
    }
    for (size_t i = 0; i < parts_.size(); ++i) {
      for (int64_t o = 0; o < outer_; ++o) {
        std::memcpy(io_.output + o * total_ + parts_[i].offset, io_.inputs[i] + o * parts_[i].row,
                    parts_[i].row * sizeof(float));
      }
    }
    return Status::Ok();
  }

 private:
  const schema::Concat& a_;
  bool reference_;
  int64_t outer_ = 0, total_ = 0;
  std::vector<ConcatPart> parts_;
  std::vector<XnnOperator> ops_;
  KernelIo io_;
};

Status CreateConcat(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<ConcatKernel>(*args.op->options_as_Concat(), args.reference);
  return Status::Ok();
}

}  // namespace

const OpDef kConcat = {
    schema::OpOptions::Concat, "Concat", 1, 1 << 16, InferConcat, NoFlops, CreateConcat};

}  // namespace frost::ops
