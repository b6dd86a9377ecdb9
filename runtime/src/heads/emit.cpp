// Draft -> .frost bytes: the one place outside the converter that lays out a file.
#include <cstdlib>
#include <cstring>

#include "frost/io/atomic_file.hpp"
#include "heads.hpp"

namespace frost::heads {
namespace {

constexpr size_t kAlignment = 64;
size_t AlignUp(size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }

}  // namespace

Status Emit(Draft& draft, const ByteSink& sink) {
  if (draft.sources.size() != draft.m.buffers.size()) {
    return Status::Error("internal error: " + std::to_string(draft.m.buffers.size()) +
                         " buffers but " + std::to_string(draft.sources.size()) + " sources");
  }
  uint64_t offset = 0;
  for (size_t i = 0; i < draft.sources.size(); ++i) {
    draft.m.buffers[i] = schema::Buffer(offset, draft.sources[i].size);
    offset = AlignUp(offset + draft.sources[i].size);
  }
  flatbuffers::FlatBufferBuilder b(1 << 16);
  schema::FinishSizePrefixedModelBuffer(b, schema::Model::Pack(b, &draft.m));
  static const char kZeros[kAlignment] = {};
  const size_t header = b.GetSize();
  if (auto s = sink(b.GetBufferPointer(), header); !s) return s;
  if (auto s = sink(kZeros, AlignUp(header) - header); !s) return s;
  for (const BufferSource& source : draft.sources) {
    if (auto s = sink(source.data, source.size); !s) return s;
    if (auto s = sink(kZeros, AlignUp(source.size) - source.size); !s) return s;
  }
  return Status::Ok();
}

Status EmitToModel(Draft& draft, std::shared_ptr<const Model>* out) {
  std::vector<uint8_t> bytes;
  if (auto s = Emit(draft, [&](const void* data, size_t size) {
        const auto* p = static_cast<const uint8_t*>(data);
        bytes.insert(bytes.end(), p, p + size);
        return Status::Ok();
      });
      !s) {
    return s;
  }
  // Model::FromBytes wants 64-byte aligned memory: weights are used in place.
  void* memory = std::aligned_alloc(kAlignment, AlignUp(std::max<size_t>(bytes.size(), 1)));
  if (memory == nullptr) return Status::Error("out of memory composing a model");
  std::memcpy(memory, bytes.data(), bytes.size());
  std::shared_ptr<const uint8_t> owned(static_cast<const uint8_t*>(memory),
                                       [](const uint8_t* p) { std::free(const_cast<uint8_t*>(p)); });
  return Model::FromBytes(std::move(owned), bytes.size(), out);
}

Status EmitToFile(Draft& draft, const std::string& path) {
  io::AtomicFile file;
  if (auto s = io::AtomicFile::Open(path, &file); !s) return s;
  if (auto s = Emit(draft, [&](const void* data, size_t size) { return file.Write(data, size); });
      !s) {
    return s;
  }
  if (auto s = file.Sync(); !s) return s;
  // Read back what was written with every load-time check before it replaces anything.
  std::shared_ptr<const Model> check;
  if (auto s = Model::Load(file.temp_path(), &check); !s) {
    return Status::Error("internal error: the file written for " + path +
                         " does not load: " + s.message());
  }
  return file.Commit();
}

}  // namespace frost::heads
