// Building .frost files that carry a trained head: the head alone (a small model whose input
// is the backbone's feature tensor) and a backbone with a head attached. All through the
// FlatBuffers object API (frost_generated.h with --gen-object-api), so every op of the
// backbone is copied whatever its options.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frost/frost.hpp"
#include "frost/train.hpp"
#include "frost_generated.h"

namespace frost::heads {

// Bytes of one Buffer of a model being assembled (not owned; must outlive the emit).
struct BufferSource {
  const void* data = nullptr;
  size_t size = 0;
};

// A model under construction: the table plus where each of its buffers' bytes come from
// (sources[i] for m.buffers[i]; offsets are assigned by Emit).
struct Draft {
  schema::ModelT m;
  std::vector<BufferSource> sources;
};

using ByteSink = std::function<Status(const void* data, size_t size)>;

// Lays out the buffers (in order, each 64-byte aligned), packs the FlatBuffer and streams
// the whole file: [size-prefixed FlatBuffer][padding to 64][data segment].
Status Emit(Draft& draft, const ByteSink& sink);
// Emit into 64-byte aligned memory and load it as a Model (it keeps the memory alive).
Status EmitToModel(Draft& draft, std::shared_ptr<const Model>* out);
// Emit into `path` atomically; the file is loaded and checked (Model::Load) before it
// replaces anything at `path`.
Status EmitToFile(Draft& draft, const std::string& path);

// The head-only model for `head` trained on `base`'s features: input = the feature tensor
// (same name, [batch, D]), FullyConnected layer(s) (ReLU fused between the two layers of an
// mlp head), a Softmax when `base`'s output comes from one, output named like `base`'s.
// `labels` name the classes; backbone_sha256 = `backbone_sha256`.
Status HeadDraft(const Model& base, const train::Head& head, const std::vector<std::string>& labels,
                 const std::string& backbone_sha256, Draft* out);

// `head_model` (a head-only model or a HeadDraft that was loaded) attached to `base`: base's
// ops that the feature tensor needs (weights byte-identical, other ops dropped), then the
// head's ops; labels from the head, everything else from base.
Status AttachDraft(const Model& base, const Model& head_model, Draft* out);

}  // namespace frost::heads
