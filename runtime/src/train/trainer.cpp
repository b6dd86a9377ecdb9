// Trainer set-up: checks of the data and config, the validation split, class weights,
// and the one-time allocations (gradients, optimiser state, batch workspace).
#include <cmath>

#include "train/trainer_impl.hpp"

namespace frost::train {
namespace {

Status CheckFeatures(const FeatureSet& set, const char* which, int num_classes) {
  if (set.features.size() != set.size() * set.dim) {
    return Status::Error(std::string(which) + " features: " + std::to_string(set.features.size()) +
                         " values for " + std::to_string(set.size()) + " samples of " +
                         std::to_string(set.dim));
  }
  for (size_t i = 0; i < set.size(); ++i) {
    if (set.labels[i] < 0 || set.labels[i] >= num_classes) {
      return Status::Error(std::string(which) + " sample " + std::to_string(i) + " has label " +
                           std::to_string(set.labels[i]) + ", not in [0, " +
                           std::to_string(num_classes) + ")");
    }
  }
  for (size_t j = 0; j < set.features.size(); ++j) {
    if (!std::isfinite(set.features[j])) {
      return Status::Error(std::string(which) + " sample " + std::to_string(j / set.dim) +
                           " has a non-finite feature (index " + std::to_string(j % set.dim) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

Trainer::Trainer() : impl_(std::make_unique<Impl>()) {}
Trainer::~Trainer() = default;

Status Trainer::Create(const TrainConfig& config, FeatureSet train, FeatureSet val, int num_classes,
                       std::unique_ptr<Trainer>* out) {
  if (auto s = ValidateConfig(config, num_classes); !s) return s;
  if (train.empty() || train.dim == 0) return Status::Error("the training set is empty");
  if (auto s = CheckFeatures(train, "training", num_classes); !s) return s;
  if (!val.empty()) {
    if (config.val_split > 0) {
      return Status::Error("give either a validation set or --val-split, not both");
    }
    if (val.dim != train.dim) {
      return Status::Error("the validation features have " + std::to_string(val.dim) +
                           " values per sample, the training features " +
                           std::to_string(train.dim));
    }
    if (auto s = CheckFeatures(val, "validation", num_classes); !s) return s;
  } else if (config.val_split > 0) {
    std::vector<size_t> train_idx, val_idx;
    if (auto s = StratifiedSplit(train.labels, num_classes, config.val_split, config.seed,
                                 &train_idx, &val_idx);
        !s) {
      return s;
    }
    val = Subset(train, val_idx);
    train = Subset(train, train_idx);
  }

  std::unique_ptr<Trainer> trainer(new Trainer());
  Impl& s = *trainer->impl_;
  s.config = config;
  s.classes = num_classes;
  s.train = std::move(train);
  s.val = std::move(val);
  if (config.class_weight_mode == ClassWeightMode::kAuto) {
    s.class_weights = BalancedClassWeights(s.train.labels, num_classes);
  } else if (config.class_weight_mode == ClassWeightMode::kGiven) {
    s.class_weights = config.class_weights;
  }
  s.loss.kind = config.loss;
  s.loss.label_smoothing = float(config.label_smoothing);
  s.loss.focal_gamma = float(config.focal_gamma);
  s.loss.class_weights = s.class_weights.empty() ? nullptr : s.class_weights.data();

  HeadShape shape{int(s.train.dim), config.hidden, num_classes};
  if (auto st = Head::Create(shape, config.seed, &s.head); !st) return st;
  s.best_head = s.head;
  s.grads.assign(s.head.num_params(), 0.0f);
  s.optimizer =
      std::make_unique<Optimizer>(SettingsFrom(config), HeadSegments(s.head), s.head.num_params());
  // No epoch is longer than every class oversampled to the whole set's size, so a batch
  // flag far above the data needs no bigger workspace than that.
  size_t max_batch = std::min(size_t(config.batch), s.train.size() * size_t(num_classes));
  s.pass = std::make_unique<HeadPass>(shape, max_batch, float(config.dropout));
  s.batch_labels.resize(max_batch);
  s.val_logits.resize(s.val.size() * size_t(num_classes));
  s.val_scratch.resize(2 * s.val.size() * size_t(num_classes));
  *out = std::move(trainer);
  return Status::Ok();
}

Status Trainer::SetHead(const Head& head) {
  const HeadShape& want = impl_->head.shape();
  const HeadShape& got = head.shape();
  if (got.inputs != want.inputs || got.hidden != want.hidden || got.classes != want.classes) {
    return Status::Error(
        "SetHead: the head is " + std::to_string(got.inputs) + " -> " +
        (got.hidden ? std::to_string(got.hidden) + " -> " : "") + std::to_string(got.classes) +
        ", the trainer's " + std::to_string(want.inputs) + " -> " +
        (want.hidden ? std::to_string(want.hidden) + " -> " : "") + std::to_string(want.classes));
  }
  if (impl_->stepped) return Status::Error("SetHead: only before the first step");
  impl_->head = head;
  impl_->best_head = head;
  return Status::Ok();
}

void Trainer::SetEpochCallback(EpochCallback callback) { impl_->callback = std::move(callback); }
bool Trainer::done() const { return impl_->stop != StopReason::kRunning; }
StopReason Trainer::stop_reason() const { return impl_->stop; }
int Trainer::epochs_completed() const { return impl_->epoch; }
int Trainer::best_epoch() const { return impl_->best_epoch; }
const Head& Trainer::head() const { return impl_->head; }
const std::vector<EpochMetrics>& Trainer::history() const { return impl_->history; }
const std::vector<float>& Trainer::class_weights() const { return impl_->class_weights; }
const FeatureSet& Trainer::train_set() const { return impl_->train; }
const FeatureSet& Trainer::val_set() const { return impl_->val; }

}  // namespace frost::train
