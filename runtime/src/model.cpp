// Model: mapping a .frost file, the FlatBuffers Verifier, and the public accessors. frost's
// own structural checks are in model_check.cpp.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "graph_shapes.hpp"
#include "memory_plan.hpp"
#include "model_impl.hpp"
#include "ops/registry.hpp"

namespace frost {
namespace {

// Reads the size prefix and runs the FlatBuffers Verifier over exactly the FlatBuffer (so it
// can never point into the weight data), then locates the data segment.
Status VerifyLayout(Model::Impl* m) {
  if (m->size < 8) {
    return Status::Error("file is " + std::to_string(m->size) +
                         " bytes, too small for a .frost model");
  }
  uint32_t prefix = 0;
  std::memcpy(&prefix, m->bytes, 4);  // little-endian on every target XNNPACK runs on
  if (prefix < 8 || uint64_t(prefix) + 4 > m->size) {
    return Status::Error("size prefix " + std::to_string(prefix) +
                         " at file offset 0 does not fit the " + std::to_string(m->size) +
                         "-byte file (truncated or not a .frost file)");
  }
  if (!flatbuffers::BufferHasIdentifier(m->bytes, schema::ModelIdentifier(),
                                        /*size_prefixed=*/true)) {
    return Status::Error("file identifier at file offset 8 is not \"FRST\": not a .frost file");
  }
  flatbuffers::Verifier verifier(m->bytes, size_t(prefix) + 4);
  if (!schema::VerifySizePrefixedModelBuffer(verifier)) {
    return Status::Error("FlatBuffer (file offsets 4.." + std::to_string(uint64_t(prefix) + 4) +
                         ") failed verification: corrupt file");
  }
  m->fb = schema::GetSizePrefixedModel(m->bytes);
  const uint64_t data_start = RoundUp(uint64_t(prefix) + 4, 64);
  m->data = m->bytes + std::min<uint64_t>(data_start, m->size);
  m->data_size = data_start < m->size ? m->size - data_start : 0;
  return Status::Ok();
}

// Verifies the bytes in `impl` and derives what sessions need.
Status Check(Model::Impl* impl) {
  if (auto s = VerifyLayout(impl); !s) return s;
  return CheckModel(impl);
}

}  // namespace

Model::Impl::~Impl() {
  if (mapping != nullptr) munmap(mapping, mapping_size);
}

std::string Model::Impl::TensorName(int i) const {
  const auto* name = tensor(i).name();
  return "tensor " + std::to_string(i) + " '" + (name ? name->str() : std::string()) + "'";
}

std::string Model::Impl::OpName(int i) const {
  const schema::Operator& op = *ops[i];
  const ops::OpDef* def = ops::FindOp(op.options_type());
  return "op " + std::to_string(i) + " '" + (op.name() ? op.name()->str() : std::string()) + "' (" +
         (def ? def->name : "unknown") + ")";
}

Model::Model() = default;
Model::~Model() = default;

Status Model::Load(const std::string& path, std::shared_ptr<const Model>* out) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::Error(path + " is not a regular file");
  }
  impl->size = size_t(st.st_size);
  if (impl->size >= 8) {
    // Read-only private mapping: weights are used in place, never copied.
    void* mapping = mmap(nullptr, impl->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping == MAP_FAILED) {
      const int err = errno;
      close(fd);
      return Status::Error("cannot map " + path + ": " + std::strerror(err));
    }
    impl->mapping = mapping;
    impl->mapping_size = impl->size;
    impl->bytes = static_cast<const uint8_t*>(mapping);
  }
  close(fd);
  if (auto s = Check(impl.get()); !s) return Status::Error(path + ": " + s.message());
  auto model = std::shared_ptr<Model>(new Model());
  model->impl_ = std::move(impl);
  *out = std::move(model);
  return Status::Ok();
}

void Model::Impl::ReleasePages(const uint8_t* begin, size_t size) const {
  if (mapping == nullptr || size == 0) return;
  const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  const uintptr_t first = (uintptr_t(begin) + page - 1) / page * page;
  const uintptr_t last = (uintptr_t(begin) + size) / page * page;
  // Read-only private file mapping: dropped pages fault back in from the file, unchanged.
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

Status Model::FromBytes(const uint8_t* bytes, size_t size, std::shared_ptr<const Model>* out) {
  if (bytes == nullptr && size > 0) return Status::Error("bytes is null");
  if (reinterpret_cast<uintptr_t>(bytes) % 64 != 0) {
    return Status::Error("model bytes must be 64-byte aligned (weights are used in place)");
  }
  auto impl = std::make_unique<Impl>();
  impl->bytes = bytes;
  impl->size = size;
  if (auto s = Check(impl.get()); !s) return s;
  auto model = std::shared_ptr<Model>(new Model());
  model->impl_ = std::move(impl);
  *out = std::move(model);
  return Status::Ok();
}

Status Model::FromBytes(std::shared_ptr<const uint8_t> bytes, size_t size,
                        std::shared_ptr<const Model>* out) {
  std::shared_ptr<const Model> model;
  if (auto s = FromBytes(bytes.get(), size, &model); !s) return s;
  model->impl_->owned = std::move(bytes);
  *out = std::move(model);
  return Status::Ok();
}

const std::vector<TensorInfo>& Model::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo>& Model::outputs() const { return impl_->outputs; }
const Preprocessing& Model::preprocessing() const { return impl_->preprocessing; }
const std::vector<std::string>& Model::labels() const { return impl_->labels; }
bool Model::batch_polymorphic() const { return impl_->fb->batch_polymorphic(); }
std::string Model::path() const { return impl_->path; }
const schema::Model* Model::flatbuffer() const { return impl_->fb; }
const uint8_t* Model::data_segment() const { return impl_->data; }
size_t Model::data_segment_size() const { return impl_->data_size; }
const uint8_t* Model::file_bytes() const { return impl_->bytes; }
size_t Model::file_size() const { return impl_->size; }

std::string Model::feature_tensor() const {
  const int t = impl_->fb->feature_tensor();
  if (t < 0) return "";
  const auto* name = impl_->tensor(t).name();
  return name ? name->str() : "";
}

ModelStats Model::Stats() const {
  const Impl& m = *impl_;
  ModelStats stats;
  stats.file_bytes = m.size;
  stats.num_ops = m.ops.size();
  for (int t = 0; t < m.num_tensors(); ++t) {
    if (m.constant_data[t] != nullptr) stats.num_params += ElementCount(m.shapes[t]);
  }
  // Bytes in use: each referenced buffer once, however many tensors share it.
  std::vector<bool> counted(m.fb->buffers() ? m.fb->buffers()->size() : 0, false);
  for (int t = 0; t < m.num_tensors(); ++t) {
    const int b = m.tensor(t).buffer();
    if (b < 0 || counted[b]) continue;
    counted[b] = true;
    stats.weight_bytes += m.fb->buffers()->Get(b)->size();
  }
  // A model that is not batch polymorphic is measured at the only batch it runs.
  const int64_t batch = m.fb->batch_polymorphic() ? 1 : m.stored_batch;
  std::vector<Shape> shapes;
  if (!InferShapes(m, batch, &shapes)) shapes = m.shapes;
  for (int i = 0; i < int(m.ops.size()); ++i) {
    const schema::Operator& op = *m.ops[i];
    const ops::OpDef* def = ops::FindOp(op.options_type());
    auto it = std::find_if(stats.op_counts.begin(), stats.op_counts.end(),
                           [&](const auto& entry) { return entry.first == def->name; });
    if (it == stats.op_counts.end()) {
      stats.op_counts.emplace_back(def->name, 1);
    } else {
      ++it->second;
    }
    stats.flops += def->flops(op, OpShapeArgs(m, i, shapes), shapes[op.outputs()->Get(0)]);
  }
  stats.flops /= double(std::max<int64_t>(batch, 1));
  stats.batch = batch;
  stats.arena_bytes = PlanMemory(m, shapes).arena_bytes;
  return stats;
}

const char* Version() { return "0.1.0"; }

}  // namespace frost
