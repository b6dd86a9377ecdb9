// Fine-tuning on the device: a frozen backbone, a new classifier head trained on its cached
// features, and the files that carry the result.
//
//   std::shared_ptr<const frost::Model> base;
//   frost::Model::Load("base.frost", &base);
//   frost::FineTuneOptions options;                  // options.config: the trainer's settings
//   options.config.optimizer = frost::train::OptimizerKind::kAdam;
//   std::unique_ptr<frost::FineTuner> tuner;
//   frost::FineTuner::Create(base, options, &tuner);
//   tuner->SetClassNames({"cat", "dog"});
//   tuner->AddImage("cat1.jpg", 0);                  // the backbone runs (batched), only the
//   tuner->AddImage("dog1.jpg", 1);                  // features are kept
//   tuner->Fit([](const frost::train::EpochMetrics& m) { ... });   // or Start() + trainer().Step()
//   tuner->Save("tuned.frost");                      // or SaveHead("head.frost")
//
// A tuned model is `base` up to its feature tensor (every weight byte-identical), then the new
// head (linear, or Linear-ReLU-Linear), then a Softmax when `base` ended with one; its labels
// are the new classes. A head-only file is that head alone as a small .frost model (input:
// the feature tensor) that records the SHA-256 of the backbone file it was trained on;
// AttachHead puts it back on a backbone and refuses any other backbone.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "frost/frost.hpp"
#include "frost/io/image.hpp"
#include "frost/train.hpp"

namespace frost {

// Lower-case hex SHA-256 of the model's file bytes: a backbone's identity.
std::string ModelSha256(const Model& model);

// Writes `base` with `head` as its classifier to `path` (atomically; the file is loaded and
// checked before it replaces anything). `labels`: one per class, or empty.
Status SaveTunedModel(const Model& base, const train::Head& head,
                      const std::vector<std::string>& labels, const std::string& path);
// Writes the head-only file (see above) to `path`, atomically.
Status SaveHeadOnly(const Model& base, const train::Head& head,
                    const std::vector<std::string>& labels, const std::string& path);
// `base` with the head of the head-only model `head_file` attached, in memory. An error when
// `head_file` is not a head-only file or was trained on another backbone.
Status AttachHead(const Model& base, const Model& head_file, std::shared_ptr<const Model>* out);

struct FineTuneOptions {
  train::TrainConfig config;  // optimiser, schedule, loss, head, ... (see train.hpp)
  int threads = 0;            // backbone threads while caching features (0 = all cores)
  int batch = 64;             // samples per backbone run while caching features
};

// Collects samples (running the backbone on them in batches of options.batch and keeping only
// their features), then trains the head with train::Trainer and saves the result.
class FineTuner {
 public:
  static Status Create(std::shared_ptr<const Model> backbone, const FineTuneOptions& options,
                       std::unique_ptr<FineTuner>* out);
  ~FineTuner();

  // The classes the new head predicts; labels given to Add* index into this list. Without
  // it, there are 1 + the largest label added classes, named by their index.
  Status SetClassNames(std::vector<std::string> names);

  // One sample. `validation` puts it into the validation set (which early stopping and the
  // "best epoch" follow); without any validation sample, options.config.val_split decides.
  Status AddImage(const std::string& path, int label, bool validation = false);
  Status AddImage(const io::Image& image, int label, bool validation = false);
  // One sample already preprocessed: the model input's floats for batch 1 (ONNX layout).
  Status AddInput(const float* input, int label, bool validation = false);
  // Every sample of `data` (its class names become the classes if none were set); its
  // features are all computed when this returns.
  Status AddDataset(const data::Dataset& data, bool validation = false,
                    const ProgressFn& progress = nullptr);
  size_t num_samples(bool validation = false) const;

  // Ends collecting and creates the trainer (the configuration is validated here).
  Status Start();
  bool started() const;
  // After Start: Step(), RunEpoch(), Fit(), history(), head(), ...
  train::Trainer& trainer();
  const train::Trainer& trainer() const;
  // Start (if needed) and train to the end; `on_epoch` sees every epoch's metrics.
  Status Fit(const train::EpochCallback& on_epoch = nullptr);

  // Metrics of the current head on `data` (the backbone runs on it; nothing is cached).
  Status Evaluate(const data::Dataset& data, Metrics* out);

  // The current head (after the end: the result) as a tuned model / a head-only file.
  Status Save(const std::string& path) const;
  Status SaveHead(const std::string& path) const;

  const std::vector<std::string>& class_names() const;
  const Model& backbone() const;

  struct Impl;

 private:
  FineTuner();
  std::unique_ptr<Impl> impl_;
};

}  // namespace frost
