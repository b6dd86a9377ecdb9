// Reshape to options.shape: 0 copies the input's dim at that position, -1 is inferred (at most
// one). The memory planner lets the output share the input's bytes, so the kernel usually
// has nothing to do.
#include <cstring>

#include "ops/op.hpp"
#include "ops/registry.hpp"

namespace frost::ops {
namespace {

Status InferReshape(const schema::Operator& op, const ShapeArgs& in, Shape* out) {
  const auto* target = op.options_as_Reshape()->shape();
  if (target == nullptr) return Status::Error("missing target shape");
  if (target->size() > kMaxRank) return Status::Error("target rank exceeds the maximum");
  const Shape& x = in[0];
  Shape result(target->size());
  int infer_at = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = target->Get(i);
    if (d == 0) {
      if (i >= x.size()) {
        return Status::Error("target dim " + std::to_string(i) + " is 0 (copy) but the input " +
                             ShapeToString(x) + " has no such dim");
      }
      d = x[i];
    } else if (d == -1) {
      if (infer_at >= 0) return Status::Error("more than one -1 in the target shape");
      infer_at = int(i);
      continue;
    } else if (d < -1) {
      return Status::Error("negative target dim " + std::to_string(d));
    }
    result[i] = d;
    if (d > 0 && known > kMaxElements / d) return Status::Error("target shape too large");
    known *= d;
  }
  const int64_t count = ElementCount(x);
  if (infer_at >= 0) {
    if (known == 0 || count % known != 0) {
      return Status::Error("cannot infer the -1 dim reshaping " + ShapeToString(x) + " to " +
                           ShapeToString(result));
    }
    result[infer_at] = count / known;
  } else if (known != count) {
    return Status::Error("cannot reshape " + ShapeToString(x) + " (" + std::to_string(count) +
                         " elements) to " + ShapeToString(result));
  }
  *out = std::move(result);
  return Status::Ok();
}

class ReshapeKernel : public Kernel {
 public:
  Status Setup(const KernelIo& io) override {
    io_ = io;
    return Status::Ok();
  }
  // The memory plan normally gives the output the input's bytes: then nothing moves.
  const char* backend() const override {
    return !io_.inputs.empty() && io_.output == io_.inputs[0] ? "in place" : "reference";
  }

  Status Run() override {
    if (io_.output != io_.inputs[0]) {
      std::memcpy(io_.output, io_.inputs[0], ElementCount(io_.output_shape) * sizeof(float));
    }
    return Status::Ok();
  }

 private:
  KernelIo io_;
};

Status CreateReshape(const KernelArgs&, std::unique_ptr<Kernel>* out) {
  *out = std::make_unique<ReshapeKernel>();
  return Status::Ok();
}

}  // namespace

const OpDef kReshape = {
    schema::OpOptions::Reshape, "Reshape", 1, 1, InferReshape, NoFlops, CreateReshape};

}  // namespace frost::ops
