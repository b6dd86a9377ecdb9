// FineTuner: samples -> backbone features (batched) -> train::Trainer -> saved head.
#include <algorithm>

#include "frost/finetune.hpp"

namespace frost {

struct FineTuner::Impl {
  std::shared_ptr<const Model> backbone;
  FineTuneOptions options;
  std::unique_ptr<Session> session;
  data::InputSpec input;
  Status image_input;  // why images cannot be added, for a model whose input is no image
  std::string feature_name;
  size_t feature_dim = 0;
  size_t input_elements = 0;
  int64_t step = 1;  // samples per backbone run

  std::vector<std::string> class_names;
  bool names_given = false;
  int max_label = -1;

  // Samples waiting for the backbone: inputs, then where each one's features go.
  std::vector<float> pending_inputs;
  struct Pending {
    int label;
    bool validation;
  };
  std::vector<Pending> pending;
  std::vector<float> features_out;

  train::FeatureSet train, val;
  std::unique_ptr<train::Trainer> trainer;

  float* NextSlot() {
    pending_inputs.resize((pending.size() + 1) * input_elements);
    return pending_inputs.data() + pending.size() * input_elements;
  }

  Status CheckLabel(int label) const {
    if (label < 0) return Status::Error("label " + std::to_string(label) + " is negative");
    if (names_given && label >= int(class_names.size())) {
      return Status::Error("label " + std::to_string(label) + " is not below the " +
                           std::to_string(class_names.size()) + " classes set");
    }
    return Status::Ok();
  }

  // Enqueues the input just written to NextSlot(); runs the backbone when a batch is full.
  Status Commit(int label, bool validation) {
    if (trainer) return Status::Error("samples can only be added before training starts");
    if (auto s = CheckLabel(label); !s) return s;
    pending.push_back({label, validation});
    max_label = std::max(max_label, label);
    return int64_t(pending.size()) == step ? Flush() : Status::Ok();
  }

  Status Flush() {
    if (pending.empty()) return Status::Ok();
    const size_t n = pending.size();
    // A model fixed to a batch > 1 gets its batch filled with copies of the last sample.
    const size_t run_n = backbone->batch_polymorphic() ? n : size_t(step);
    pending_inputs.resize(run_n * input_elements);
    for (size_t k = n; k < run_n; ++k) {
      std::copy_n(pending_inputs.data() + (n - 1) * input_elements, input_elements,
                  pending_inputs.data() + k * input_elements);
    }
    features_out.resize(run_n * feature_dim);
    Status s = session->RunTo(pending_inputs.data(), int64_t(run_n), feature_name,
                              features_out.data());
    if (!s) return Status::Error("backbone: " + s.message());
    for (size_t k = 0; k < n; ++k) {
      train::FeatureSet& set = pending[k].validation ? val : train;
      const float* f = features_out.data() + k * feature_dim;
      set.features.insert(set.features.end(), f, f + feature_dim);
      set.labels.push_back(pending[k].label);
    }
    pending.clear();
    pending_inputs.clear();
    return Status::Ok();
  }
};

FineTuner::FineTuner() : impl_(std::make_unique<Impl>()) {}
FineTuner::~FineTuner() = default;

Status FineTuner::Create(std::shared_ptr<const Model> backbone, const FineTuneOptions& options,
                         std::unique_ptr<FineTuner>* out) {
  if (!backbone) return Status::Error("no backbone model");
  const std::string feature = backbone->feature_tensor();
  if (feature.empty()) {
    return Status::Error(backbone->path() + " records no feature tensor (where the backbone "
                         "ends and the head begins); convert it again with frost convert");
  }
  if (options.batch < 1) return Status::Error("batch must be at least 1");
  std::unique_ptr<FineTuner> tuner(new FineTuner());
  Impl& m = *tuner->impl_;
  m.backbone = backbone;
  m.options = options;
  if (backbone->inputs().size() != 1) {
    return Status::Error("fine-tuning needs a model with one input; " + backbone->path() +
                         " has " + std::to_string(backbone->inputs().size()));
  }
  m.image_input = data::InputSpecOf(*backbone, &m.input);
  if (auto s = Session::Create(backbone, {.threads = options.threads}, &m.session); !s) return s;
  const std::vector<int64_t> shape = m.session->TensorShape(feature, 1);
  if (shape.size() != 2) {
    return Status::Error("feature tensor '" + feature + "' is not a [batch, features] matrix");
  }
  m.feature_name = feature;
  m.feature_dim = size_t(shape[1]);
  m.input_elements = 1;
  for (size_t d = 1; d < backbone->inputs()[0].shape.size(); ++d) {
    m.input_elements *= size_t(backbone->inputs()[0].shape[d]);
  }
  const auto& stored = backbone->inputs()[0].shape;
  m.step = backbone->batch_polymorphic() ? options.batch
                                         : std::max<int64_t>(1, stored.empty() ? 1 : stored[0]);
  m.train.dim = m.val.dim = m.feature_dim;
  *out = std::move(tuner);
  return Status::Ok();
}

Status FineTuner::SetClassNames(std::vector<std::string> names) {
  if (impl_->trainer) return Status::Error("classes can only be set before training starts");
  if (names.empty()) return Status::Error("no class names");
  if (impl_->max_label >= int(names.size())) {
    return Status::Error("label " + std::to_string(impl_->max_label) +
                         " was already added, but only " + std::to_string(names.size()) +
                         " classes are named");
  }
  impl_->class_names = std::move(names);
  impl_->names_given = true;
  return Status::Ok();
}

Status FineTuner::AddImage(const std::string& path, int label, bool validation) {
  if (!impl_->image_input) return impl_->image_input;
  if (auto s = impl_->CheckLabel(label); !s) return s;
  io::Image image;
  if (auto s = io::DecodeImage(path, impl_->input.layout.channels, &image); !s) return s;
  if (auto s = io::PreprocessImage(image, impl_->input.preprocessing, impl_->input.layout, path,
                                   impl_->NextSlot());
      !s) {
    return s;
  }
  return impl_->Commit(label, validation);
}

Status FineTuner::AddImage(const io::Image& image, int label, bool validation) {
  if (!impl_->image_input) return impl_->image_input;
  if (auto s = impl_->CheckLabel(label); !s) return s;
  if (image.channels != impl_->input.layout.channels) {
    return Status::Error("the image has " + std::to_string(image.channels) +
                         " channels, the model takes " +
                         std::to_string(impl_->input.layout.channels));
  }
  if (auto s = io::PreprocessImage(image, impl_->input.preprocessing, impl_->input.layout, "image",
                                   impl_->NextSlot());
      !s) {
    return s;
  }
  return impl_->Commit(label, validation);
}

Status FineTuner::AddInput(const float* input, int label, bool validation) {
  if (input == nullptr) return Status::Error("input is null");
  std::copy_n(input, impl_->input_elements, impl_->NextSlot());
  return impl_->Commit(label, validation);
}

Status FineTuner::AddDataset(const data::Dataset& data, bool validation,
                             const ProgressFn& progress) {
  Impl& m = *impl_;
  if (m.trainer) return Status::Error("samples can only be added before training starts");
  if (data.sample_elements() != m.input_elements) {
    return Status::Error("the data set's samples have " + std::to_string(data.sample_elements()) +
                         " values, the model's input " + std::to_string(m.input_elements));
  }
  if (!data.class_names().empty()) {
    if (!m.names_given) {
      if (auto s = SetClassNames(data.class_names()); !s) return s;
    } else if (data.class_names() != m.class_names) {
      auto join = [](const std::vector<std::string>& names) {
        std::string text;
        for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
        return text;
      };
      return Status::Error("the data set's classes (" + join(data.class_names()) +
                           ") are not the classes set (" + join(m.class_names) + ")");
    }
  }
  for (size_t i = 0; i < data.size(); ++i) {
    if (auto s = m.CheckLabel(data.label(i)); !s) {
      return Status::Error(data.Describe(i) + ": " + s.message());
    }
  }
  if (data.size() == 0) return Status::Ok();
  // Samples added one by one before this keep their place in the order.
  if (auto s = m.Flush(); !s) return s;
  DatasetOutputs features;
  if (auto s = RunDataset(*m.session, *m.backbone, data, m.options.batch, &features,
                          m.feature_name, progress);
      !s) {
    return s;  // names the samples
  }
  train::FeatureSet& set = validation ? m.val : m.train;
  set.features.insert(set.features.end(), features.values.begin(), features.values.end());
  for (size_t i = 0; i < data.size(); ++i) {
    set.labels.push_back(data.label(i));
    m.max_label = std::max(m.max_label, data.label(i));
  }
  return Status::Ok();
}

size_t FineTuner::num_samples(bool validation) const {
  const Impl& m = *impl_;
  if (m.trainer) return validation ? m.trainer->val_set().size() : m.trainer->train_set().size();
  size_t n = validation ? m.val.size() : m.train.size();
  for (const auto& p : m.pending) n += p.validation == validation;
  return n;
}

Status FineTuner::Start() {
  Impl& m = *impl_;
  if (m.trainer) return Status::Ok();
  if (auto s = m.Flush(); !s) return s;
  if (m.train.empty()) return Status::Error("no training samples were added");
  if (!m.names_given) {
    m.class_names.clear();
    for (int c = 0; c <= m.max_label; ++c) m.class_names.push_back(std::to_string(c));
  }
  const int classes = int(m.class_names.size());
  if (classes < 2) return Status::Error("training a classifier needs at least 2 classes");
  return train::Trainer::Create(m.options.config, std::move(m.train), std::move(m.val), classes,
                                &m.trainer);
}

bool FineTuner::started() const { return impl_->trainer != nullptr; }
train::Trainer& FineTuner::trainer() { return *impl_->trainer; }
const train::Trainer& FineTuner::trainer() const { return *impl_->trainer; }

Status FineTuner::Fit(const train::EpochCallback& on_epoch) {
  if (auto s = Start(); !s) return s;
  if (on_epoch) impl_->trainer->SetEpochCallback(on_epoch);
  return impl_->trainer->Fit();
}

Status FineTuner::Evaluate(const data::Dataset& data, Metrics* out) {
  Impl& m = *impl_;
  if (!m.trainer) return Status::Error("no head yet: call Start() or Fit() first");
  if (!data.class_names().empty() && data.class_names() != m.class_names) {
    return Status::Error("the data set's classes are not the ones the head was trained on; "
                         "its labels would be scored against the wrong outputs");
  }
  DatasetOutputs features;
  if (auto s = RunDataset(*m.session, *m.backbone, data, m.options.batch, &features,
                          m.feature_name);
      !s) {
    return s;
  }
  train::FeatureSet set;
  set.dim = features.per_sample;
  set.features = std::move(features.values);
  for (size_t i = 0; i < data.size(); ++i) set.labels.push_back(data.label(i));
  return train::Evaluate(m.trainer->head(), set, int(m.class_names.size()), out);
}

Status FineTuner::Save(const std::string& path) const {
  if (!impl_->trainer) return Status::Error("no head yet: call Start() or Fit() first");
  return SaveTunedModel(*impl_->backbone, impl_->trainer->head(), impl_->class_names, path);
}

Status FineTuner::SaveHead(const std::string& path) const {
  if (!impl_->trainer) return Status::Error("no head yet: call Start() or Fit() first");
  return SaveHeadOnly(*impl_->backbone, impl_->trainer->head(), impl_->class_names, path);
}

const std::vector<std::string>& FineTuner::class_names() const { return impl_->class_names; }
const Model& FineTuner::backbone() const { return *impl_->backbone; }

}  // namespace frost
