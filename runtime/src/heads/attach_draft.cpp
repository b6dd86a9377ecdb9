// A backbone with a head attached: base's ops up to its feature tensor, then the head's ops.
#include <map>

#include "heads.hpp"

namespace frost::heads {
namespace {

namespace fs = frost::schema;

// Copies tensors of `from` into `d` on first use, constants with their bytes.
class TensorCopier {
 public:
  TensorCopier(const Model& from, const fs::ModelT& unpacked, Draft& d)
      : from_(from), unpacked_(unpacked), d_(d) {}

  void Alias(int old_index, int new_index) { map_[old_index] = new_index; }

  int32_t Use(int32_t old_index) {
    if (old_index < 0) return old_index;  // absent optional input
    auto it = map_.find(old_index);
    if (it != map_.end()) return it->second;
    auto t = std::make_unique<fs::TensorT>(*unpacked_.tensors[old_index]);
    if (t->buffer >= 0) {
      const fs::Buffer& b = *from_.flatbuffer()->buffers()->Get(t->buffer);
      t->buffer = int32_t(d_.m.buffers.size());
      d_.m.buffers.emplace_back();
      d_.sources.push_back({from_.data_segment() + b.offset(), size_t(b.size())});
    }
    d_.m.tensors.push_back(std::move(t));
    const int32_t index = int32_t(d_.m.tensors.size() - 1);
    map_[old_index] = index;
    return index;
  }

  std::vector<int32_t> Use(const std::vector<int32_t>& old_indices) {
    std::vector<int32_t> out;
    for (int32_t i : old_indices) out.push_back(Use(i));
    return out;
  }

 private:
  const Model& from_;
  const fs::ModelT& unpacked_;
  Draft& d_;
  std::map<int, int> map_;
};

// Copies op `op` of `from` into `d` (tensors through `copier`).
void CopyOp(const fs::OperatorT& op, TensorCopier& copier, Draft& d) {
  auto copy = std::make_unique<fs::OperatorT>(op);
  copy->inputs = copier.Use(op.inputs);
  copy->outputs = copier.Use(op.outputs);
  d.m.operators.push_back(std::move(copy));
}

}  // namespace

Status AttachDraft(const Model& base, const Model& head_model, Draft* out) {
  const fs::Model& bm = *base.flatbuffer();
  const fs::Model& hm = *head_model.flatbuffer();
  const int feature = bm.feature_tensor();
  if (feature < 0) {
    return Status::Error(base.path() + " records no feature tensor (where the backbone ends)");
  }
  if (hm.inputs()->size() != 1) return Status::Error("a head model has exactly one input");
  const int head_input = hm.inputs()->Get(0);
  const auto* fshape = bm.tensors()->Get(feature)->shape();
  const auto* hshape = hm.tensors()->Get(head_input)->shape();
  if (!fshape || !hshape || fshape->size() != 2 || hshape->size() != 2 ||
      fshape->Get(1) != hshape->Get(1)) {
    return Status::Error("the head's input does not match the backbone's feature tensor '" +
                         bm.tensors()->Get(feature)->name()->str() + "'");
  }
  std::unique_ptr<fs::ModelT> b(bm.UnPack());
  std::unique_ptr<fs::ModelT> h(hm.UnPack());

  // Which base ops the feature tensor needs: walk back from it.
  std::vector<bool> needed(b->tensors.size(), false), keep(b->operators.size(), false);
  needed[feature] = true;
  for (size_t i = b->operators.size(); i-- > 0;) {
    const fs::OperatorT& op = *b->operators[i];
    for (int32_t o : op.outputs) keep[i] = keep[i] || (o >= 0 && needed[o]);
    if (!keep[i]) continue;
    for (int32_t in : op.inputs) {
      if (in >= 0) needed[in] = true;
    }
  }

  Draft d;
  d.m.version = kSchemaVersion;
  TensorCopier base_tensors(base, *b, d);
  d.m.inputs = base_tensors.Use(b->inputs);
  for (size_t i = 0; i < b->operators.size(); ++i) {
    if (keep[i]) CopyOp(*b->operators[i], base_tensors, d);
  }
  d.m.feature_tensor = base_tensors.Use(feature);

  TensorCopier head_tensors(head_model, *h, d);
  head_tensors.Alias(head_input, d.m.feature_tensor);
  for (const auto& op : h->operators) CopyOp(*op, head_tensors, d);
  d.m.outputs = head_tensors.Use(h->outputs);
  d.m.preprocessing = std::move(b->preprocessing);
  d.m.labels = h->labels;
  d.m.source = b->source;
  d.m.producer = std::string("frost-finetune ") + Version();
  d.m.batch_polymorphic = b->batch_polymorphic;
  *out = std::move(d);
  return Status::Ok();
}

}  // namespace frost::heads
