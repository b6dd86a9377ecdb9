// frost runtime: the public C++ API.
//
//   std::shared_ptr<const frost::Model> model;
//   if (auto s = frost::Model::Load("resnet18.frost", &model); !s) { puts(s.message().c_str()); }
//   std::unique_ptr<frost::Session> session;
//   frost::Session::Create(model, {.threads = 2}, &session);
//   std::vector<float> out(session->OutputElements(0, /*batch=*/1));
//   session->Run(input.data(), 1, out.data());
//
// No exception crosses this API: every call that can fail returns a Status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace frost {

// Success, or an error message that names what is wrong and where.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    Status s;
    s.message_ = message.empty() ? "unknown error" : std::move(message);
    return s;
  }
  bool ok() const { return message_.empty(); }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;  // as stored; dim 0 is the batch the model was exported with
};

// How an image becomes the model input (recorded by `frost convert`).
struct Preprocessing {
  float scale = 1.0f / 255.0f;
  std::vector<float> mean;
  std::vector<float> std;
  bool bgr = false;
  float crop_fraction = 1.0f;
};

// Facts `frost info` prints; computed for batch 1, or for the only batch a model with a fixed
// batch runs (`batch`).
struct ModelStats {
  size_t num_ops = 0;
  std::vector<std::pair<std::string, size_t>> op_counts;  // op type -> count
  size_t num_params = 0;        // elements of constant tensors
  size_t weight_bytes = 0;      // bytes of the data segment in use
  double flops = 0;             // per sample; multiply-adds count as 2
  int64_t batch = 1;            // the batch the arena is planned for
  size_t arena_bytes = 0;       // planned activation memory at `batch`
  size_t file_bytes = 0;
};

namespace schema {
struct Model;
}

// An immutable, mmap-backed model. Shareable between threads and sessions.
class Model {
 public:
  // Maps `path`, verifies it (FlatBuffers Verifier + frost's own bounds and shape checks).
  static Status Load(const std::string& path, std::shared_ptr<const Model>* out);
  // Same checks on bytes in memory; `bytes` must stay alive and 64-byte aligned.
  static Status FromBytes(const uint8_t* bytes, size_t size, std::shared_ptr<const Model>* out);
  // Same, the model keeping `bytes` alive (e.g. a model composed in memory).
  static Status FromBytes(std::shared_ptr<const uint8_t> bytes, size_t size,
                          std::shared_ptr<const Model>* out);
  ~Model();

  const std::vector<TensorInfo>& inputs() const;
  const std::vector<TensorInfo>& outputs() const;
  const Preprocessing& preprocessing() const;
  const std::vector<std::string>& labels() const;
  std::string feature_tensor() const;  // "" if none recorded
  bool batch_polymorphic() const;      // runs at any batch size
  ModelStats Stats() const;
  std::string path() const;

  // Raw access for the converter, the trainer and tools.
  const schema::Model* flatbuffer() const;
  const uint8_t* data_segment() const;
  size_t data_segment_size() const;
  const uint8_t* file_bytes() const;
  size_t file_size() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  Model();
  std::unique_ptr<Impl> impl_;
};

// Which fast kernels run Conv2D (one group) and FullyConnected; every other op runs on XNNPACK.
// kAuto: frost's own, for the best instruction set this CPU has (AVX-512, else AVX2 + FMA +
// F16C), for FullyConnected and for convolutions with 64 or more output channels (below
// that XNNPACK's are faster); else XNNPACK's. The environment variable
// FROST_KERNELS=xnnpack or =avx2 caps it. kAvx2 / kAvx512 ask for that set for every op it
// can run (Session::Create fails on a CPU without it).
enum class ConvKernels { kAuto, kXnnpack, kAvx2, kAvx512 };

// Whether this CPU can run `kernels` (kAuto and kXnnpack: always).
bool KernelsAvailable(ConvKernels kernels);

// Quantized (int8) Conv2D and FullyConnected run on frost's own int8 kernels where the
// AVX-512 ones are chosen (kAuto or kAvx512) and this CPU has AVX-512 VNNI, which this tells;
// else on XNNPACK's.
bool Int8KernelsAvailable();

struct SessionOptions {
  int threads = 1;          // 0 = all cores
  bool reference = false;   // run the plain C++ reference kernels only (the judge of correctness)
  bool profile = false;     // time every op of every run (Session::Profile); off costs nothing
  ConvKernels conv_kernels = ConvKernels::kAuto;
};

// One op of the last run, as Session::Profile reports it.
struct OpTiming {
  std::string name;     // the op's name in the model (from ONNX), e.g. "Conv_0"
  std::string type;     // frost op type, e.g. "Conv2D"
  std::string backend;  // "avx512", "avx2", "xnnpack", "reference" or "in place" (KernelNames)
  double seconds = 0;   // wall time of the op in the last Run/RunTo; 0 if it did not run
                        // there, or if the session was created without `profile`
  double flops = 0;     // FLOPs of the op at the batch last run (multiply-add = 2)
};

// A tensor as it has just been written (Session::SetObserver): its name, its physical shape
// and float data as stored (NHWC for an activation stored so; see TensorShape for the
// logical one). The data is valid only during the call.
using TensorObserver = std::function<void(const std::string& name,
                                          const std::vector<int64_t>& physical_shape,
                                          const float* data)>;

// One per thread: owns the activation arena, the XNNPACK operators and a thread pool.
class Session {
 public:
  static Status Create(std::shared_ptr<const Model> model, const SessionOptions& options,
                       std::unique_ptr<Session>* out);
  ~Session();

  // Number of floats output `index` has for `batch` samples.
  size_t OutputElements(size_t index, int64_t batch) const;
  std::vector<int64_t> OutputShape(size_t index, int64_t batch) const;

  // Runs `batch` samples. Inputs and outputs are float32 in the ONNX model's layout.
  // For a model that is not batch polymorphic, batch must equal the stored batch.
  Status Run(const float* input, int64_t batch, float* output);
  Status Run(const std::vector<const float*>& inputs, int64_t batch,
             const std::vector<float*>& outputs);

  // Runs the graph only as far as needed to produce tensor `name` (e.g. the feature
  // tensor) and copies it, in the ONNX (logical) layout, into `out`.
  Status RunTo(const float* input, int64_t batch, const std::string& name, float* out);
  // Shape (logical layout) of tensor `name` at `batch`; empty if unknown.
  std::vector<int64_t> TensorShape(const std::string& name, int64_t batch) const;

  // Per op, in execution order: "<op type> <backend>" for the batch last run, e.g.
  // "Conv2D xnnpack", "Transpose reference" or "Reshape in place" (shares its input's bytes),
  // to see which ops XNNPACK accelerates.
  std::vector<std::string> KernelNames() const;
  // Calls `observer` during every later Run / RunTo with each graph input once copied in and
  // each op's output right after the op (in execution order), e.g. to record the ranges of
  // intermediate tensors (int8 calibration). An empty function turns it off.
  void SetObserver(TensorObserver observer);
  // Bytes of the activation arena planned for the batch last run.
  size_t ArenaBytes() const;
  // Bytes of scratch memory the kernels share (e.g. Winograd's transformed tiles), sized for
  // the largest need at the batch last run; planned with the arena, allocated once.
  size_t ScratchBytes() const;
  // Per op, in execution order: name, type, backend, FLOPs at the batch last run and, with
  // SessionOptions::profile, the seconds each op took in the last Run or RunTo (steady clock,
  // wall time; with threads > 1 an op's time covers all its threads). The input and output
  // copies of Run are not in any op.
  std::vector<OpTiming> Profile() const;

  struct Impl;

 private:
  Session();
  std::unique_ptr<Impl> impl_;
};

const char* Version();

// The .frost schema version this runtime writes (Model.version) and the newest it reads.
inline constexpr uint32_t kSchemaVersion = 1;

}  // namespace frost
