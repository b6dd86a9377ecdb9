// What every op provides: shape inference (which is also where its attributes are
// validated), a FLOP count, and a kernel. Each op lives in one file named after it
// (conv2d.cpp, pool2d.cpp, ...) holding its plain C++ reference kernel and, where XNNPACK
// has one, its fast path; registry.cpp lists them all.
#pragma once

#include <pthreadpool.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frost/frost.hpp"
#include "frost_generated.h"
#include "kernels/gemm.hpp"
#include "shape.hpp"

namespace frost::ops {

// The inputs of an op as shape inference sees them.
struct ShapeArgs {
  std::vector<const Shape*> shapes;  // nullptr for an absent optional input (index -1)
  std::vector<bool> constant;        // input is a constant tensor (weights)

  size_t size() const { return shapes.size(); }
  bool has(size_t i) const { return i < shapes.size() && shapes[i] != nullptr; }
  const Shape& operator[](size_t i) const { return *shapes[i]; }
};

// What a kernel is created from (once per Session).
struct KernelArgs {
  const schema::Operator* op = nullptr;
  // per input: a constant input's float32 values, else nullptr (also nullptr for a constant
  // stored in another type that the session made no float32 copy of: see weights.hpp)
  std::vector<const float*> constants;
  std::vector<const schema::Tensor*> tensors;  // per input: its schema entry (type, quantization), nullptr if absent
  std::vector<const void*> data;               // per input: a constant input's bytes in their stored type, else nullptr
  std::vector<Shape> shapes;            // per input: the shape stored in the file, {} if absent
  bool reference = false;               // never use XNNPACK or frost's own kernels
  kernels::Isa isa = kernels::Isa::kNone;  // frost's own Conv2D / FullyConnected kernels, if any
  bool isa_chosen = false;  // asked for by name: used for every op they can run, not only
                            // where they beat XNNPACK (kernels::kMinOwnConvChannels)
  pthreadpool_t threadpool = nullptr;      // the session's (for packing weights in parallel)
  // Drops the pages of the mapped model file under [data, data + bytes) once a kernel has
  // packed them into its own buffer (a no-op for models not read from a file).
  std::function<void(const void* data, size_t bytes)> release;
  const schema::Tensor* output_tensor = nullptr;  // the output's schema entry (quantization)
};

// Shapes and addresses of one op's tensors at the current batch size.
struct KernelIo {
  std::vector<Shape> input_shapes;   // {} for an absent input
  std::vector<const float*> inputs;  // nullptr for an absent input
  Shape output_shape;
  float* output = nullptr;
  pthreadpool_t threadpool = nullptr;
  // Scratch memory shared by all kernels of a session (they run one at a time): at least the
  // ScratchBytes the kernel asked for with these shapes, 64-byte aligned; nullptr if it asked 0.
  void* scratch = nullptr;
};

// An op's kernel inside a Session. Setup binds shapes and addresses (called again only when
// the batch size, and with it the arena, changes); Run computes and never allocates.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual Status Setup(const KernelIo& io) = 0;
  // Bytes of KernelIo::scratch the kernel needs with `io`'s shapes (asked before Setup).
  virtual size_t ScratchBytes(const KernelIo& io) const { return 0; }
  // Whether Run reads constant input `input` from the model's bytes themselves (a weight used
  // in place): the session then keeps its pages of the mapped file.
  virtual bool ReadsInPlace(size_t input) const { return false; }
  virtual Status Run() = 0;
  // "xnnpack", "reference" or "in place" (nothing to do): what the last Setup chose.
  virtual const char* backend() const { return fast_ ? "xnnpack" : "reference"; }

 protected:
  bool fast_ = false;
};

// The create step of every kernel with an Init: constructs K from `ctor_args`, then
// Init(args) validates and prepares it.
template <class K, class... A>
Status MakeKernel(const KernelArgs& args, std::unique_ptr<Kernel>* out, A&&... ctor_args) {
  auto kernel = std::make_unique<K>(std::forward<A>(ctor_args)...);
  if (auto s = kernel->Init(args); !s) return s;
  *out = std::move(kernel);
  return Status::Ok();
}

using InferFn = Status (*)(const schema::Operator& op, const ShapeArgs& in, Shape* out);
using FlopsFn = double (*)(const schema::Operator& op, const ShapeArgs& in, const Shape& out);
using CreateFn = Status (*)(const KernelArgs& args, std::unique_ptr<Kernel>* out);

struct OpDef {
  schema::OpOptions type;
  const char* name;
  int min_inputs;
  int max_inputs;
  InferFn infer;
  FlopsFn flops;
  CreateFn create;
};

// nullptr for an op type this runtime does not know.
const OpDef* FindOp(schema::OpOptions type);

// Ops that write no new bytes (flops 0).
double NoFlops(const schema::Operator& op, const ShapeArgs& in, const Shape& out);
// One FLOP per output element.
double ElementwiseFlops(const schema::Operator& op, const ShapeArgs& in, const Shape& out);

}  // namespace frost::ops
