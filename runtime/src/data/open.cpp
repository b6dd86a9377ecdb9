// Parses a data set spec and builds views (subsets, class filters) over data sets.
#include <algorithm>
#include <filesystem>

#include "data/datasets.hpp"

namespace frost::data {
namespace {

// Splits "A,B" into two paths; an error names the spec.
Status SplitPair(const std::string& spec, const std::string& rest, std::string* a,
                 std::string* b) {
  size_t comma = rest.find(',');
  if (comma == std::string::npos || comma == 0 || comma + 1 == rest.size() ||
      rest.find(',', comma + 1) != std::string::npos) {
    return Status::Error("data set '" + spec + "': expected two files separated by one comma");
  }
  *a = rest.substr(0, comma);
  *b = rest.substr(comma + 1);
  return Status::Ok();
}

class SubsetDataset : public Dataset {
 public:
  SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<size_t> indices,
                std::vector<int> labels)
      : base_(std::move(base)), indices_(std::move(indices)), labels_(std::move(labels)) {
    class_names_ = base_->class_names();
  }
  size_t size() const override { return indices_.size(); }
  int label(size_t i) const override {
    return labels_.empty() ? base_->label(indices_[i]) : labels_[i];
  }
  Status Get(size_t i, float* out) const override { return base_->Get(indices_[i], out); }
  std::string Describe(size_t i) const override { return base_->Describe(indices_[i]); }
  size_t sample_elements() const override { return base_->sample_elements(); }

 private:
  std::shared_ptr<const Dataset> base_;
  std::vector<size_t> indices_;
  std::vector<int> labels_;  // empty: the base's labels
};

}  // namespace

Status InputSpecOf(const Model& model, InputSpec* out) {
  if (model.inputs().empty()) return Status::Error("model has no inputs");
  const TensorInfo& input = model.inputs()[0];
  if (auto s = io::ImageInputLayoutFromShape(input.shape, input.name, &out->layout); !s) return s;
  out->preprocessing = model.preprocessing();
  return Status::Ok();
}

Status Open(const std::string& spec, const InputSpec& input, std::unique_ptr<Dataset>* out) {
  std::string a, b;
  if (spec.rfind("idx:", 0) == 0) {
    if (auto s = SplitPair(spec, spec.substr(4), &a, &b); !s) return s;
    return OpenIdx(a, b, input, out);
  }
  if (spec.rfind("npy:", 0) == 0) {
    if (auto s = SplitPair(spec, spec.substr(4), &a, &b); !s) return s;
    return OpenNpy(a, b, input, out);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(spec, ec)) return OpenImageFolder(spec, input, out);
  if (!std::filesystem::exists(spec, ec)) {
    return Status::Error("data set '" + spec + "' does not exist");
  }
  return Status::Error("data set '" + spec +
                       "' is not a folder; use DIR, idx:IMAGES,LABELS or npy:IMAGES,LABELS");
}

std::unique_ptr<Dataset> Select(std::shared_ptr<const Dataset> base, std::vector<size_t> indices) {
  return std::make_unique<SubsetDataset>(std::move(base), std::move(indices), std::vector<int>{});
}

Status FilterClasses(std::shared_ptr<const Dataset> base, const std::vector<int>& classes,
                     std::unique_ptr<Dataset>* out) {
  std::vector<int> new_label(base->num_classes(), -1);
  std::vector<std::string> names;
  for (size_t k = 0; k < classes.size(); ++k) {
    int c = classes[k];
    if (c < 0 || c >= static_cast<int>(base->num_classes())) {
      return Status::Error("class " + std::to_string(c) + " is out of range: the data set has " +
                           std::to_string(base->num_classes()) + " classes");
    }
    if (new_label[c] != -1) return Status::Error("class " + std::to_string(c) + " listed twice");
    new_label[c] = static_cast<int>(k);
    names.push_back(base->class_names()[c]);
  }
  std::vector<size_t> indices;
  std::vector<int> labels;
  for (size_t i = 0; i < base->size(); ++i) {
    int l = new_label[base->label(i)];
    if (l < 0) continue;
    indices.push_back(i);
    labels.push_back(l);
  }
  auto subset = std::make_unique<SubsetDataset>(std::move(base), std::move(indices),
                                                std::move(labels));
  subset->set_class_names(std::move(names));
  *out = std::move(subset);
  return Status::Ok();
}

std::unique_ptr<Dataset> PerClassRange(std::shared_ptr<const Dataset> base, size_t skip,
                                       size_t count) {
  std::vector<size_t> seen(base->num_classes(), 0), indices;
  for (size_t i = 0; i < base->size(); ++i) {
    const int label = base->label(i);
    if (label < 0) continue;
    if (size_t(label) >= seen.size()) seen.resize(size_t(label) + 1, 0);
    const size_t rank = seen[size_t(label)]++;
    if (rank >= skip && rank - skip < count) indices.push_back(i);
  }
  return Select(std::move(base), std::move(indices));
}

std::vector<std::string> FashionMnistClassNames() {
  return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

}  // namespace frost::data
