// Tuned models and head-only files (frost/finetune.hpp).
#include "frost/finetune.hpp"
#include "frost/io/sha256.hpp"
#include "heads.hpp"

namespace frost {

std::string ModelSha256(const Model& model) {
  return io::Sha256::Hex(model.file_bytes(), model.file_size());
}

Status SaveTunedModel(const Model& base, const train::Head& head,
                      const std::vector<std::string>& labels, const std::string& path) {
  // The head is drafted, loaded as a model (so it is checked like any file) and attached.
  heads::Draft head_draft;
  if (auto s = heads::HeadDraft(base, head, labels, "", &head_draft); !s) return s;
  std::shared_ptr<const Model> head_model;
  if (auto s = heads::EmitToModel(head_draft, &head_model); !s) return s;
  heads::Draft tuned;
  if (auto s = heads::AttachDraft(base, *head_model, &tuned); !s) return s;
  if (auto s = heads::EmitToFile(tuned, path); !s) return Status::Error(path + ": " + s.message());
  return Status::Ok();
}

Status SaveHeadOnly(const Model& base, const train::Head& head,
                    const std::vector<std::string>& labels, const std::string& path) {
  heads::Draft draft;
  if (auto s = heads::HeadDraft(base, head, labels, ModelSha256(base), &draft); !s) return s;
  if (auto s = heads::EmitToFile(draft, path); !s) return Status::Error(path + ": " + s.message());
  return Status::Ok();
}

Status AttachHead(const Model& base, const Model& head_file, std::shared_ptr<const Model>* out) {
  const auto* recorded = head_file.flatbuffer()->backbone_sha256();
  const std::string head_name = head_file.path().empty() ? "the head" : head_file.path();
  if (recorded == nullptr || recorded->size() == 0) {
    return Status::Error(head_name + " is not a head-only file (it records no backbone); "
                         "write one with frost finetune --head-only");
  }
  const std::string actual = ModelSha256(base);
  if (recorded->str() != actual) {
    const auto* source = head_file.flatbuffer()->source();
    return Status::Error(head_name + " was trained on another backbone" +
                         (source && source->size() ? " (" + source->str() + ")" : "") +
                         ": it needs a file with SHA-256 " + recorded->str() + ", " +
                         (base.path().empty() ? "this one" : base.path()) + " has " + actual);
  }
  heads::Draft draft;
  if (auto s = heads::AttachDraft(base, head_file, &draft); !s) return s;
  return heads::EmitToModel(draft, out);
}

}  // namespace frost
