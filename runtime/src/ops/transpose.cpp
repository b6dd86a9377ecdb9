// Transpose: output dim i is input dim perm[i]. XNNPACK of this version has no transpose
// operator, so this is the reference kernel only.
#include "ops/nd_index.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"

namespace frost::ops {
namespace {

Status InferTranspose(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const auto* perm = op.options_as_Transpose()->perm();
  const Shape& x = in[0];
  if (perm == nullptr || perm->size() != x.size()) {
    return Status::Error("perm must have one entry per input dim of " + ShapeToString(x));
  }
  std::vector<bool> seen(x.size(), false);
  Shape result(x.size());
  for (size_t i = 0; i < perm->size(); ++i) {
    const int32_t p = perm->Get(i);
    if (p < 0 || size_t(p) >= x.size() || seen[p]) {
      return Status::Error("perm is not a permutation of 0.." + std::to_string(x.size() - 1));
    }
    seen[p] = true;
    result[i] = x[p];
  }
  *out = std::move(result);
  return Status::Ok();
}

class TransposeKernel : public Kernel {
 public:
  explicit TransposeKernel(const schema::Transpose& a)
      : perm_(a.perm()->begin(), a.perm()->end()) {}

  Status Setup(const KernelIo& io) override {
    io_ = io;
    // in_strides_[i]: stride in the input of output dim i.
    const std::vector<int64_t> strides = Strides(io.input_shapes[0]);
    in_strides_.resize(perm_.size());
    for (size_t i = 0; i < perm_.size(); ++i) in_strides_[i] = strides[perm_[i]];
    return Status::Ok();
  }

  Status Run() override {
    if (ElementCount(io_.output_shape) > 0) {
      StridedCopy(io_.output_shape, in_strides_, io_.inputs[0], io_.output);
    }
    return Status::Ok();
  }

 private:
  std::vector<int32_t> perm_;
  std::vector<int64_t> in_strides_;
  KernelIo io_;
};

Status CreateTranspose(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<TransposeKernel>(*args.op->options_as_Transpose());
  return Status::Ok();
}

}  // namespace

const OpDef kTranspose = {
    schema::OpOptions::Transpose, "Transpose", 1, 1, InferTranspose, NoFlops, CreateTranspose};

}  // namespace frost::ops
