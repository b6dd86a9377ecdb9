// Session: kernels for one model, an activation arena planned per batch size, and a thread
// pool. Prepare (shapes, plan, kernel setup) runs only when the batch size changes.
#include <pthreadpool.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "frost/half.hpp"
#include "graph_shapes.hpp"
#include "kernels/gemm_int8.hpp"
#include "memory_plan.hpp"
#include "model_impl.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// XNNPACK kernels may read up to XNN_EXTRA_BYTES past the end of an input; the arena gets
// this much slack at its end, and constants read at run time get a padded copy when they
// sit at the very end of the model bytes.
constexpr size_t kReadSlack = 64;
static_assert(kReadSlack >= XNN_EXTRA_BYTES);

// Conv2D and FullyConnected pack their weight and bias when created and never read them again
// (a Conv2D's residual, input 3, is read while it runs).
bool PackedAtCreate(const schema::Operator& op, size_t input) {
  const auto type = op.options_type();
  return (input == 1 || input == 2) &&
         (type == schema::OpOptions::Conv2D || type == schema::OpOptions::FullyConnected);
}

std::vector<int64_t> LogicalShape(const schema::Tensor& t, const Shape& physical) {
  if (t.layout() != schema::Layout::NHWC) return physical;
  return {physical[0], physical[3], physical[1], physical[2]};
}

// Copies a tensor out in its logical layout (NHWC stored -> NCHW).
void CopyLogical(const schema::Tensor& t, const Shape& shape, const float* src, float* dst) {
  if (t.layout() != schema::Layout::NHWC) {
    std::memcpy(dst, src, size_t(ElementCount(shape)) * sizeof(float));
    return;
  }
  const int64_t N = shape[0], H = shape[1], W = shape[2], C = shape[3];
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x)
          dst[((n * C + c) * H + y) * W + x] = src[((n * H + y) * W + x) * C + c];
}

// Activations are FLOAT32; constants FLOAT32 or FLOAT16, or INT8 as the weight of a Conv2D /
// FullyConnected (a quantized op) and nothing else. The rest is rejected here, named.
Status CheckDataTypes(const Model::Impl& m) {
  std::vector<bool> int8_weight(m.num_tensors(), false);
  for (const schema::Operator* op : m.ops) {
    const auto* inputs = op->inputs();
    if (inputs->size() >= 2 && PackedAtCreate(*op, 1) && inputs->Get(1) >= 0) {
      int8_weight[inputs->Get(1)] = true;
    }
  }
  // A tensor that is an int8 weight somewhere must not be read as anything else.
  for (int i = 0; i < int(m.ops.size()); ++i) {
    const auto* inputs = m.ops[i]->inputs();
    for (size_t k = 0; k < inputs->size(); ++k) {
      const int t = inputs->Get(k);
      if (t >= 0 && m.tensor(t).type() == schema::DataType::INT8 &&
          !(k == 1 && PackedAtCreate(*m.ops[i], k))) {
        return Status::Error(m.OpName(i) + ": input " + std::to_string(k) + " " +
                             m.TensorName(t) +
                             " is INT8: only the weight of a Conv2D or FullyConnected may be");
      }
      if (t >= 0 && m.tensor(t).layout() == schema::Layout::PANELS32 &&
          !(k == 1 && PackedAtCreate(*m.ops[i], k))) {
        return Status::Error(m.OpName(i) + ": input " + std::to_string(k) + " " +
                             m.TensorName(t) +
                             " has PANELS32 layout: only the weight of a Conv2D or "
                             "FullyConnected may have it");
      }
    }
  }
  // Graph outputs are copied out as float32: an INT8 one (a weight listed as an output) has
  // no float values to copy.
  for (int t : m.graph_outputs) int8_weight[t] = false;
  for (int t = 0; t < m.num_tensors(); ++t) {
    const schema::DataType type = m.tensor(t).type();
    if (type == schema::DataType::FLOAT32) continue;
    if (type == schema::DataType::FLOAT16 && m.constant_data[t] != nullptr) continue;
    if (type == schema::DataType::INT8 && int8_weight[t] && m.constant_data[t] != nullptr) continue;
    return Status::Error(m.TensorName(t) + " is " + DataTypeName(type) +
                         (m.constant_data[t] != nullptr
                              ? ": this runtime reads FLOAT32 and FLOAT16 constants, and INT8 "
                                "ones only as Conv2D / FullyConnected weights"
                              : ": this runtime computes FLOAT32 activations only"));
  }
  return Status::Ok();
}

// Grows `buffer` (aligned, with kReadSlack at its end) to hold `bytes`; never shrinks it.
Status Grow(std::unique_ptr<uint8_t, FreeDeleter>* buffer, size_t* capacity, size_t bytes,
            const char* what, int64_t batch) {
  const size_t needed = RoundUp(bytes + kReadSlack, kArenaAlignment);
  if (needed <= *capacity) return Status::Ok();
  buffer->reset(static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, needed)));
  *capacity = *buffer ? needed : 0;
  if (*buffer) return Status::Ok();
  return Status::Error(std::string("out of memory allocating ") + what + " of " +
                       std::to_string(needed) + " bytes for batch " + std::to_string(batch));
}

}  // namespace

bool KernelsAvailable(ConvKernels k) {
  switch (k) {
    case ConvKernels::kAvx2: return kernels::CpuSupports(kernels::Isa::kAvx2);
    case ConvKernels::kAvx512: return kernels::CpuSupports(kernels::Isa::kAvx512);
    case ConvKernels::kAuto:
    case ConvKernels::kXnnpack: break;
  }
  return true;
}

bool Int8KernelsAvailable() { return kernels::CpuSupportsAvx512Vnni(); }

struct Session::Impl {
  std::shared_ptr<const Model> model;
  const Model::Impl* m = nullptr;
  SessionOptions options;
  pthreadpool_t pool = nullptr;
  std::vector<std::unique_ptr<ops::Kernel>> kernels;
  // Per tensor: float32 values of a constant, possibly a padded or converted copy; nullptr
  // for a FLOAT16 constant only Conv2D/FullyConnected read (they convert it themselves).
  std::vector<const float*> constants;
  std::vector<std::vector<float>> constant_copies;

  // State for the current batch size.
  int64_t batch = 0;
  std::vector<Shape> shapes;
  MemoryPlan plan;
  std::unique_ptr<uint8_t, FreeDeleter> arena;
  size_t arena_capacity = 0;
  std::vector<float*> data;  // per tensor
  std::vector<bool> skip;    // per op: empty output, nothing to compute
  std::vector<double> op_seconds;  // per op, the last run (SessionOptions::profile only)
  kernels::Isa isa = kernels::Isa::kNone;  // frost's own Conv2D / FullyConnected kernels
  std::unique_ptr<uint8_t, FreeDeleter> scratch;  // KernelIo::scratch, shared by all kernels
  size_t scratch_capacity = 0;
  TensorObserver observer;
  std::vector<std::string> tensor_names;  // for the observer

  ~Impl() {
    kernels.clear();  // XNNPACK operators before the pool they were set up with
    if (pool != nullptr) pthreadpool_destroy(pool);
  }

  Status Init();
  Status ChooseKernels();
  void BindConstants();
  Status CreateKernels();
  // Shapes, memory plan, arena and kernel setup for `batch`; a no-op if it is the current one.
  Status Prepare(int64_t batch);
  Status RunOps(const std::vector<bool>* needed);
  // Shows tensor `t` to the observer, if one is set.
  void Observe(int t) const {
    if (observer && data[t] != nullptr) observer(tensor_names[t], shapes[t], data[t]);
  }
  // RunOps with a steady-clock reading around every op, into op_seconds. A loop of its own so
  // that sessions without `profile` run exactly the plain loop.
  Status RunOpsTimed(const std::vector<bool>* needed);
  int FindTensor(const std::string& name) const {
    auto it = m->tensor_by_name.find(name);
    return it == m->tensor_by_name.end() ? -1 : it->second;
  }
};

Status Session::Impl::Init() {
  if (auto s = XnnInitialize(); !s && !options.reference) return s;
  if (options.threads < 0) return Status::Error("threads must be >= 0 (0 = all cores)");
  if (options.threads != 1) {
    pool = pthreadpool_create(size_t(options.threads));
    if (pool == nullptr) return Status::Error("cannot create a thread pool");
  }
  if (auto s = CheckDataTypes(*m); !s) return s;
  if (auto s = ChooseKernels(); !s) return s;
  BindConstants();
  if (auto s = CreateKernels(); !s) return s;
  return Prepare(m->stored_batch);
}

Status Session::Impl::ChooseKernels() {
  switch (options.conv_kernels) {
    case ConvKernels::kAuto: isa = kernels::SelectedIsa(); break;
    case ConvKernels::kXnnpack: isa = kernels::Isa::kNone; break;
    case ConvKernels::kAvx2: isa = kernels::Isa::kAvx2; break;
    case ConvKernels::kAvx512: isa = kernels::Isa::kAvx512; break;
  }
  if (!kernels::CpuSupports(isa)) {
    return Status::Error(std::string("this CPU cannot run frost's ") + kernels::IsaName(isa) +
                         " kernels");
  }
  return Status::Ok();
}

void Session::Impl::BindConstants() {
  constants.assign(m->num_tensors(), nullptr);
  for (int t = 0; t < m->num_tensors(); ++t) {
    // (A PANELS32 weight is no plain float array: its kernel reads it, see ops/weights.hpp.)
    if (m->tensor(t).type() == schema::DataType::FLOAT32 &&
        m->tensor(t).layout() != schema::Layout::PANELS32) {
      constants[t] = reinterpret_cast<const float*>(m->constant_data[t]);
    }
  }
  // A FLOAT16 constant that an op reads while running (not just packs at creation), or that
  // is a graph output, gets a float32 copy once, here; with slack for XNNPACK's reads.
  std::vector<bool> read_as_float(m->num_tensors(), false);
  for (const schema::Operator* op : m->ops) {
    for (size_t k = 0; k < op->inputs()->size(); ++k) {
      const int t = op->inputs()->Get(k);
      if (t >= 0 && !PackedAtCreate(*op, k)) read_as_float[t] = true;
    }
  }
  for (int t : m->graph_outputs) read_as_float[t] = true;
  for (int t = 0; t < m->num_tensors(); ++t) {
    if (m->constant_data[t] == nullptr || constants[t] != nullptr || !read_as_float[t] ||
        m->tensor(t).type() != schema::DataType::FLOAT16) {
      continue;
    }
    const size_t count = ElementCount(m->shapes[t]);
    std::vector<float>& copy = constant_copies.emplace_back(count + kReadSlack / sizeof(float));
    HalvesToFloats(reinterpret_cast<const uint16_t*>(m->constant_data[t]), count, copy.data());
    constants[t] = copy.data();
  }
  if (options.reference) return;
  // A constant that XNNPACK reads while running, and that ends within kReadSlack of the end
  // of the model's bytes, gets a padded copy: reading past it could leave the mapping.
  const uint8_t* bytes_end = m->bytes + m->size;
  for (const schema::Operator* op : m->ops) {
    for (size_t k = 0; k < op->inputs()->size(); ++k) {
      const int t = op->inputs()->Get(k);
      if (t < 0 || m->constant_data[t] == nullptr || PackedAtCreate(*op, k)) continue;
      // Copies made above (or for an earlier reader) have their slack already.
      if (constants[t] != reinterpret_cast<const float*>(m->constant_data[t])) continue;
      const size_t count = ElementCount(m->shapes[t]);
      const uint8_t* end = m->constant_data[t] + count * sizeof(float);
      if (size_t(bytes_end - end) >= kReadSlack) continue;
      std::vector<float>& copy = constant_copies.emplace_back(count + kReadSlack / sizeof(float));
      std::memcpy(copy.data(), m->constant_data[t], count * sizeof(float));
      constants[t] = copy.data();
    }
  }
}

Status Session::Impl::CreateKernels() {
  for (int i = 0; i < int(m->ops.size()); ++i) {
    const schema::Operator& op = *m->ops[i];
    ops::KernelArgs args;
    args.op = &op;
    args.reference = options.reference;
    args.isa = isa;
    args.isa_chosen = options.conv_kernels == ConvKernels::kAvx2 ||
                      options.conv_kernels == ConvKernels::kAvx512;
    args.threadpool = pool;
    args.release = [this](const void* data, size_t bytes) {
      m->ReleasePages(static_cast<const uint8_t*>(data), bytes);
    };
    for (int32_t t : *op.inputs()) {
      args.constants.push_back(t < 0 ? nullptr : constants[t]);
      args.tensors.push_back(t < 0 ? nullptr : &m->tensor(t));
      args.data.push_back(t < 0 ? nullptr : m->constant_data[t]);
      args.shapes.push_back(t < 0 ? Shape{} : m->shapes[t]);
    }
    args.output_tensor = &m->tensor(op.outputs()->Get(0));
    std::unique_ptr<ops::Kernel> kernel;
    if (auto s = ops::FindOp(op.options_type())->create(args, &kernel); !s) {
      return Status::Error(m->OpName(i) + ": " + s.message());
    }
    // Weights XNNPACK packed into its own buffers are not read from the file again: the
    // kernel may drop their pages at once, so they are resident once (packed), not twice.
    // (Should a kernel fall back to its reference path, its pages simply fault back in.)
    if (!options.reference) {
      for (size_t k = 0; k < op.inputs()->size(); ++k) {
        const int t = op.inputs()->Get(k);
        if (t < 0 || m->constant_data[t] == nullptr || !PackedAtCreate(op, k)) continue;
        if (kernel->ReadsInPlace(k)) continue;  // e.g. a PANELS32 weight frost's kernels read
        m->ReleasePages(m->constant_data[t], size_t(ElementCount(m->shapes[t])) *
                                                 DataTypeSize(m->tensor(t).type()));
      }
    }
    kernels.push_back(std::move(kernel));
  }
  return Status::Ok();
}

Status Session::Impl::Prepare(int64_t new_batch) {
  if (auto s = CheckBatch(*m, new_batch); !s) return s;
  if (new_batch == batch) return Status::Ok();
  batch = 0;  // until everything below succeeds
  if (auto s = InferShapes(*m, new_batch, &shapes); !s) return s;
  plan = PlanMemory(*m, shapes);
  if (auto s = Grow(&arena, &arena_capacity, plan.arena_bytes, "an activation arena", new_batch);
      !s) {
    return s;
  }
  data.assign(m->num_tensors(), nullptr);
  for (int t = 0; t < m->num_tensors(); ++t) {
    const int storage = plan.storage[t];
    if (storage < 0) continue;
    // A constant's float32 values are read only (never an op output); nullptr for one that
    // only its kernel reads, in its stored type.
    data[t] = m->constant_data[storage] != nullptr
                  ? const_cast<float*>(constants[storage])
                  : reinterpret_cast<float*>(arena.get() + plan.offsets[t]);
  }
  skip.assign(m->ops.size(), false);
  std::vector<ops::KernelIo> ios(m->ops.size());
  size_t scratch_bytes = 0;
  for (int i = 0; i < int(m->ops.size()); ++i) {
    const schema::Operator& op = *m->ops[i];
    const int out = op.outputs()->Get(0);
    skip[i] = ElementCount(shapes[out]) == 0;
    if (skip[i]) continue;
    ops::KernelIo& io = ios[i];
    for (int32_t t : *op.inputs()) {
      io.input_shapes.push_back(t < 0 ? Shape{} : shapes[t]);
      io.inputs.push_back(t < 0 ? nullptr : data[t]);
    }
    io.output_shape = shapes[out];
    io.output = data[out];
    io.threadpool = pool;
    scratch_bytes = std::max(scratch_bytes, kernels[i]->ScratchBytes(io));
  }
  if (scratch_bytes > 0) {
    if (auto s = Grow(&scratch, &scratch_capacity, scratch_bytes, "kernel scratch", new_batch);
        !s) {
      return s;
    }
  }
  for (int i = 0; i < int(m->ops.size()); ++i) {
    if (skip[i]) continue;
    ops::KernelIo& io = ios[i];
    io.scratch = scratch_bytes > 0 ? scratch.get() : nullptr;
    if (auto s = kernels[i]->Setup(io); !s) {
      return Status::Error(m->OpName(i) + ": " + s.message());
    }
  }
  batch = new_batch;
  return Status::Ok();
}

Status Session::Impl::RunOps(const std::vector<bool>* needed) {
  if (options.profile) return RunOpsTimed(needed);
  for (size_t i = 0; i < kernels.size(); ++i) {
    if (skip[i] || (needed && !(*needed)[i])) continue;
    if (auto s = kernels[i]->Run(); !s) return Status::Error(m->OpName(i) + ": " + s.message());
    if (observer) Observe(m->ops[i]->outputs()->Get(0));
  }
  return Status::Ok();
}

Status Session::Impl::RunOpsTimed(const std::vector<bool>* needed) {
  using Clock = std::chrono::steady_clock;
  op_seconds.assign(kernels.size(), 0.0);
  for (size_t i = 0; i < kernels.size(); ++i) {
    if (skip[i] || (needed && !(*needed)[i])) continue;
    const Clock::time_point start = Clock::now();
    if (auto s = kernels[i]->Run(); !s) return Status::Error(m->OpName(i) + ": " + s.message());
    op_seconds[i] = std::chrono::duration<double>(Clock::now() - start).count();
    if (observer) Observe(m->ops[i]->outputs()->Get(0));
  }
  return Status::Ok();
}

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;

Status Session::Create(std::shared_ptr<const Model> model, const SessionOptions& options,
                       std::unique_ptr<Session>* out) {
  if (!model) return Status::Error("Session::Create: model is null");
  std::unique_ptr<Session> session(new Session());
  session->impl_->model = std::move(model);
  session->impl_->m = &session->impl_->model->impl();
  session->impl_->options = options;
  if (auto s = session->impl_->Init(); !s) return s;
  *out = std::move(session);
  return Status::Ok();
}

std::vector<int64_t> Session::OutputShape(size_t index, int64_t batch) const {
  const Model::Impl& m = *impl_->m;
  if (index >= m.graph_outputs.size()) return {};
  const int t = m.graph_outputs[index];
  if (batch > 0 && batch == impl_->batch) return impl_->shapes[t];
  std::vector<Shape> shapes;
  if (!CheckBatch(m, batch) || !InferShapes(m, batch, &shapes)) return {};
  return shapes[t];
}

size_t Session::OutputElements(size_t index, int64_t batch) const {
  // OutputShape is empty for an invalid index or batch (graph outputs are at least 1-D,
  // except a scalar constant).
  const std::vector<int64_t> shape = OutputShape(index, batch);
  if (index >= impl_->m->graph_outputs.size() || !CheckBatch(*impl_->m, batch)) return 0;
  return size_t(ElementCount(shape));
}

Status Session::Run(const float* input, int64_t batch, float* output) {
  return Run(std::vector<const float*>{input}, batch, std::vector<float*>{output});
}

Status Session::Run(const std::vector<const float*>& inputs, int64_t batch,
                    const std::vector<float*>& outputs) {
  Impl& s = *impl_;
  const Model::Impl& m = *s.m;
  if (inputs.size() != m.graph_inputs.size() || outputs.size() != m.graph_outputs.size()) {
    return Status::Error("the model has " + std::to_string(m.graph_inputs.size()) + " inputs and " +
                         std::to_string(m.graph_outputs.size()) + " outputs; Run got " +
                         std::to_string(inputs.size()) + " and " + std::to_string(outputs.size()));
  }
  if (auto st = s.Prepare(batch); !st) return st;
  // A pointer may be null only for a tensor with no elements.
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (inputs[k] == nullptr && ElementCount(s.shapes[m.graph_inputs[k]]) > 0) {
      return Status::Error("Run: input " + std::to_string(k) + " is null");
    }
  }
  for (size_t k = 0; k < outputs.size(); ++k) {
    if (outputs[k] == nullptr && ElementCount(s.shapes[m.graph_outputs[k]]) > 0) {
      return Status::Error("Run: output " + std::to_string(k) + " is null");
    }
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    const int t = m.graph_inputs[k];
    if (ElementCount(s.shapes[t]) == 0) continue;
    std::memcpy(s.data[t], inputs[k], size_t(ElementCount(s.shapes[t])) * sizeof(float));
    s.Observe(t);
  }
  if (auto st = s.RunOps(nullptr); !st) return st;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const int t = m.graph_outputs[k];
    if (ElementCount(s.shapes[t]) == 0) continue;
    std::memcpy(outputs[k], s.data[t], size_t(ElementCount(s.shapes[t])) * sizeof(float));
  }
  return Status::Ok();
}

Status Session::RunTo(const float* input, int64_t batch, const std::string& name, float* out) {
  Impl& s = *impl_;
  const Model::Impl& m = *s.m;
  if (m.graph_inputs.size() != 1) {
    return Status::Error("RunTo needs a model with exactly 1 input, this one has " +
                         std::to_string(m.graph_inputs.size()));
  }
  if (input == nullptr || out == nullptr) return Status::Error("RunTo: null pointer");
  const int target = s.FindTensor(name);
  if (target < 0) return Status::Error("RunTo: no tensor named '" + name + "'");
  if (auto st = s.Prepare(batch); !st) return st;
  if (s.plan.storage[target] < 0) {
    return Status::Error("RunTo: " + m.TensorName(target) + " is never computed");
  }
  // The ops `target` depends on, found walking back from it.
  std::vector<bool> needed(m.ops.size(), false);
  std::vector<int> pending = {target};
  while (!pending.empty()) {
    const int t = pending.back();
    pending.pop_back();
    const int op = m.producer[t];
    if (op < 0 || needed[op]) continue;
    needed[op] = true;
    for (int32_t in : *m.ops[op]->inputs()) {
      if (in >= 0) pending.push_back(in);
    }
  }
  const int in = m.graph_inputs[0];
  std::memcpy(s.data[in], input, size_t(ElementCount(s.shapes[in])) * sizeof(float));
  s.Observe(in);
  if (auto st = s.RunOps(&needed); !st) return st;
  CopyLogical(m.tensor(target), s.shapes[target], s.data[target], out);
  return Status::Ok();
}

std::vector<int64_t> Session::TensorShape(const std::string& name, int64_t batch) const {
  const Model::Impl& m = *impl_->m;
  const int t = impl_->FindTensor(name);
  if (t < 0) return {};
  if (batch > 0 && batch == impl_->batch) return LogicalShape(m.tensor(t), impl_->shapes[t]);
  std::vector<Shape> shapes;
  if (!CheckBatch(m, batch) || !InferShapes(m, batch, &shapes)) return {};
  return LogicalShape(m.tensor(t), shapes[t]);
}

std::vector<std::string> Session::KernelNames() const {
  std::vector<std::string> names;
  for (size_t i = 0; i < impl_->kernels.size(); ++i) {
    names.push_back(std::string(ops::FindOp(impl_->m->ops[i]->options_type())->name) + " " +
                    impl_->kernels[i]->backend());
  }
  return names;
}

size_t Session::ArenaBytes() const { return impl_->plan.arena_bytes; }

size_t Session::ScratchBytes() const { return impl_->scratch_capacity; }

void Session::SetObserver(TensorObserver observer) {
  Impl& s = *impl_;
  if (observer && s.tensor_names.empty()) {
    for (int t = 0; t < s.m->num_tensors(); ++t) {
      const auto* name = s.m->tensor(t).name();
      s.tensor_names.push_back(name ? name->str() : std::string());
    }
  }
  s.observer = std::move(observer);
}

std::vector<OpTiming> Session::Profile() const {
  const Impl& s = *impl_;
  const Model::Impl& m = *s.m;
  std::vector<OpTiming> timings(s.kernels.size());
  for (int i = 0; i < int(s.kernels.size()); ++i) {
    const schema::Operator& op = *m.ops[i];
    const ops::OpDef* def = ops::FindOp(op.options_type());
    OpTiming& t = timings[i];
    t.name = op.name() ? op.name()->str() : "";
    t.type = def->name;
    t.backend = s.kernels[i]->backend();
    if (size_t(i) < s.op_seconds.size()) t.seconds = s.op_seconds[i];
    // The same count Model::Stats sums, at the session's batch instead of batch 1.
    if (s.batch > 0) {
      t.flops = def->flops(op, OpShapeArgs(m, i, s.shapes), s.shapes[op.outputs()->Get(0)]);
    }
  }
  return timings;
}

}  // namespace frost
