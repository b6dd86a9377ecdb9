// On-device transfer learning: a new classifier head trained on cached backbone features.
//
//   frost::train::TrainConfig config;            // the `frost finetune` flags, 1:1
//   config.optimizer = frost::train::OptimizerKind::kAdam;
//   std::unique_ptr<frost::train::Trainer> trainer;
//   auto s = frost::train::Trainer::Create(config, std::move(train), std::move(val),
//                                          num_classes, &trainer);
//   trainer->SetEpochCallback([](const frost::train::EpochMetrics& m) { ... });
//   s = trainer->Fit();          // or Step() / RunEpoch() from an app's own loop
//   auto tensors = trainer->head().Export();
//
// Semantics are PyTorch's (torch 1.13), checked against it by tests/train/gen:
// - Head: linear = nn.Linear(D, K); mlp:H = Linear(D, H), ReLU, Dropout, Linear(H, K).
//   With dropout > 0 an nn.Dropout(p) also sits on the head input (before the first
//   Linear), so a linear head is Dropout, Linear. Inverted dropout (kept values / (1-p)),
//   off in evaluation.
// - Init: nn.Linear's reset_parameters (kaiming_uniform(a=sqrt(5)) weight, uniform bias,
//   both U(-1/sqrt(fan_in), 1/sqrt(fan_in))), drawn from frost's own seeded generator
//   (src/train/rng.hpp), in the order fc1.weight (row-major), fc1.bias, fc2.weight, fc2.bias.
// - Losses: "ce" = nn.CrossEntropyLoss(weight=class_weights, label_smoothing=s), mean
//   reduction: sum_i w[y_i] l_i / sum_i w[y_i] (the smoothing term divided by the same sum,
//   as torch does). "focal" = -w[y] (1-p_y)^gamma log p_y with the same weighted mean, so
//   gamma 0 is exactly weighted cross-entropy; label smoothing is for "ce" only.
// - Class weights "auto" = n_samples / (n_classes_present * count_c) on the training set
//   (sklearn "balanced"; a class absent from the training set gets 0).
// - Weight decay (L2) and L1 apply to the weights of each Linear, never to the biases (two
//   torch param groups). L1 adds l1 * sign(w) to the weight gradient (sign(0) = 0) before
//   the optimiser runs, so it is coupled like torch's weight_decay (also for AdamW).
// - Optimisers exactly as torch.optim (single-tensor path): SGD (dampening 0, momentum
//   buffer = first gradient, nesterov), Adam (coupled L2, eps added to sqrt(v_hat)), AdamW
//   (p *= 1 - lr*wd before the Adam step), RMSprop (alpha 0.99, eps outside the sqrt,
//   momentum buffer, not centered).
// - The learning rate changes per epoch (as a torch scheduler stepped once per epoch),
//   epoch e counted from 0, W warmup epochs, E epochs in all, t = e - W, T = E - W:
//     e < W:       lr * (0.1 + 0.9 * e / W)      (LinearLR(start_factor=0.1, total_iters=W))
//     constant:    lr
//     step:        lr * step_gamma^floor(t / step_size)     (StepLR)
//     exponential: lr * exp_gamma^t                          (ExponentialLR)
//     cosine:      lr * (1 + cos(pi * t / T)) / 2            (CosineAnnealingLR(T, eta_min=0))
// - Mini-batches: the epoch's order (a seeded shuffle, see EpochOrder) cut into batches of
//   `batch`, the last one smaller (DataLoader's drop_last=False).
// - Metrics: train loss/accuracy are averages over the epoch's batches as they were
//   trained (dropout on), each batch weighted by its sample count; validation loss is the
//   training criterion (same weights, smoothing, focal) over the whole validation set in
//   evaluation mode. Early stopping and "best head" follow the validation loss (the train
//   loss when there is no validation set): the lowest value, strict improvement.
// - Early stopping (patience P > 0): stops after P epochs without improvement and restores
//   the best epoch's head; with early stopping on, the result is the best epoch's head
//   even when all epochs ran. Without it, the result is the last epoch's head.
// - Divergence: a non-finite loss stops training with an error Status naming epoch and
//   step; head() is then the best epoch's head so far (the initial head if none finished),
//   and stop_reason() is kDiverged, so a caller can still save it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frost/eval.hpp"
#include "frost/frost.hpp"

namespace frost::train {

enum class OptimizerKind { kSgd, kAdam, kAdamW, kRmsprop };
enum class ScheduleKind { kConstant, kStep, kExponential, kCosine };
enum class LossKind { kCrossEntropy, kFocal };
enum class BalanceKind { kNone, kOversample, kUndersample };
enum class ClassWeightMode { kNone, kAuto, kGiven };

// Every field maps to one `frost finetune` flag (named in the comment).
struct TrainConfig {
  int epochs = 30;                                  // --epochs
  int batch = 32;                                   // --batch
  OptimizerKind optimizer = OptimizerKind::kSgd;    // --optimizer sgd|adam|adamw|rmsprop
  double lr = 0.01;                                 // --lr
  std::optional<double> momentum;                   // --momentum; unset: SGD 0.9, RMSprop 0
  bool nesterov = false;                            // --nesterov (SGD, needs momentum > 0)
  double beta1 = 0.9;                               // --beta1 (Adam, AdamW)
  double beta2 = 0.999;                             // --beta2 (Adam, AdamW)
  double eps = 1e-8;                                // --eps (Adam, AdamW, RMSprop)
  double rmsprop_alpha = 0.99;                      // RMSprop smoothing constant (torch default)
  double weight_decay = 1e-4;                       // --weight-decay (weights only)
  double l1 = 0;                                    // --l1 (weights only)
  ScheduleKind schedule = ScheduleKind::kConstant;  // --schedule
  int warmup_epochs = 0;                            // --warmup-epochs
  int step_size = 0;        // step schedule period in epochs; 0 = max(1, (epochs-warmup)/3)
  double step_gamma = 0.1;  // step schedule factor
  double exp_gamma = 0.9;   // exponential schedule factor per epoch
  LossKind loss = LossKind::kCrossEntropy;                     // --loss ce|focal
  double focal_gamma = 2;                                      // --focal-gamma
  double label_smoothing = 0;                                  // --label-smoothing (ce only)
  ClassWeightMode class_weight_mode = ClassWeightMode::kNone;  // --class-weights auto|FILE
  std::vector<float> class_weights;          // kGiven: one per class (see LoadClassWeights)
  BalanceKind balance = BalanceKind::kNone;  // --balance none|oversample|undersample
  double dropout = 0;                        // --dropout (head input and hidden layer)
  int hidden = 0;                            // --head: 0 = linear, H = mlp:H
  int early_stop = 0;                        // --early-stop PATIENCE; 0 = off
  double val_split = 0;                      // --val-split: used when no validation set is given
  uint64_t seed = 0;                         // --seed: init, split, shuffling, balancing, dropout
};

// Flag values -> config. Errors name the flag and list what it accepts.
Status ParseOptimizer(std::string_view text, OptimizerKind* out);
Status ParseSchedule(std::string_view text, ScheduleKind* out);
Status ParseLoss(std::string_view text, LossKind* out);
Status ParseBalance(std::string_view text, BalanceKind* out);
Status ParseHead(std::string_view text, int* hidden);  // "linear" -> 0, "mlp:256" -> 256
// "auto", "none", or a file of per-class weights: .npy, or text numbers separated by
// spaces, commas or newlines.
Status ParseClassWeights(std::string_view text, TrainConfig* config);
Status LoadClassWeights(const std::string& path, std::vector<float>* out);
// Checks ranges and combinations for `num_classes` classes.
Status ValidateConfig(const TrainConfig& config, int num_classes);

// The learning rate of epoch `epoch` (from 0); see the formulas above.
double LearningRate(const TrainConfig& config, int epoch);

// Cached backbone features: samples x dim floats, row-major, and one label per sample.
struct FeatureSet {
  size_t dim = 0;
  std::vector<float> features;
  std::vector<int> labels;
  size_t size() const { return labels.size(); }
  bool empty() const { return labels.empty(); }
};

// The samples `indices` of `set`, in that order.
FeatureSet Subset(const FeatureSet& set, const std::vector<size_t>& indices);
// Per class, round(fraction * count) samples (at most count - 1) go to validation, chosen by
// a seeded shuffle of the class's samples; both index lists ascending.
Status StratifiedSplit(const std::vector<int>& labels, int num_classes, double fraction,
                       uint64_t seed, std::vector<size_t>* train, std::vector<size_t>* val);
// sklearn "balanced" weights (see above).
std::vector<float> BalancedClassWeights(const std::vector<int>& labels, int num_classes);
// The sample order of epoch `epoch` (from 0): balance none = a shuffle of all samples;
// oversample = every class brought to the largest class's count (its samples repeated
// whole, the remainder drawn without replacement), undersample = every class cut to the
// smallest present class's count (drawn without replacement), then shuffled. Each epoch
// has its own generator stream, so an epoch's order does not depend on earlier epochs.
std::vector<uint32_t> EpochOrder(const std::vector<int>& labels, int num_classes,
                                 BalanceKind balance, uint64_t seed, int epoch);

struct HeadShape {
  int inputs = 0;   // D, the feature size
  int hidden = 0;   // H; 0 = linear head
  int classes = 0;  // K
};

// One parameter tensor, laid out as torch / the .frost FullyConnected op store it:
// "fc1.weight" [out, in], "fc1.bias" [out], and for an mlp head "fc2.weight", "fc2.bias".
struct HeadTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

// The trainable head's parameters, all in one allocation:
// [fc1.weight, fc1.bias, (fc2.weight, fc2.bias)].
class Head {
 public:
  Head() = default;
  // Initialised as described above from `seed`.
  static Status Create(const HeadShape& shape, uint64_t seed, Head* out);
  // From exported tensors (checks names, shapes and that every value is finite).
  static Status Import(const std::vector<HeadTensor>& tensors, Head* out);

  const HeadShape& shape() const { return shape_; }
  int num_layers() const { return shape_.hidden > 0 ? 2 : 1; }
  size_t num_params() const { return params_.size(); }
  float* params() { return params_.data(); }
  const float* params() const { return params_.data(); }
  // Weight [out, in] and bias [out] of layer 0 or 1 (views into params()).
  float* weight(int layer);
  float* bias(int layer);
  const float* weight(int layer) const;
  const float* bias(int layer) const;
  int layer_inputs(int layer) const;
  int layer_outputs(int layer) const;

  // Logits (n x classes) of n feature rows, evaluation mode (no dropout).
  void Predict(const float* features, size_t n, float* logits) const;
  std::vector<HeadTensor> Export() const;

 private:
  HeadShape shape_;
  std::vector<float> params_;
};

// Accuracy, per-class precision/recall/F1 and the confusion matrix of `head` on `set`
// (frost::ComputeMetrics over the head's logits).
Status Evaluate(const Head& head, const FeatureSet& set, int num_classes, Metrics* out);

struct EpochMetrics {
  int epoch = 0;  // from 1
  double train_loss = 0, train_accuracy = 0;
  double val_loss = 0, val_accuracy = 0;  // NaN when there is no validation set
  double lr = 0;
  double seconds = 0;  // wall time of the epoch, validation included
  size_t steps = 0;    // mini-batches
  bool best = false;   // the best epoch so far (see "best head" above)
};
using EpochCallback = std::function<void(const EpochMetrics&)>;

enum class StopReason { kRunning, kCompleted, kEarlyStopped, kDiverged };

class Trainer {
 public:
  // `val` may be empty; then config.val_split > 0 splits `train` (StratifiedSplit).
  // Labels must lie in [0, num_classes); features must be finite.
  static Status Create(const TrainConfig& config, FeatureSet train, FeatureSet val, int num_classes,
                       std::unique_ptr<Trainer>* out);
  ~Trainer();

  // Starts from `head` (same shape) instead of the seeded init; only before the first step.
  Status SetHead(const Head& head);
  void SetEpochCallback(EpochCallback callback);

  // One mini-batch; when it is the epoch's last, the epoch is evaluated and reported.
  Status Step();
  // The rest of the current epoch.
  Status RunEpoch();
  // Epochs until the end, early stopping or divergence.
  Status Fit();

  bool done() const;
  StopReason stop_reason() const;
  int epochs_completed() const;
  int best_epoch() const;  // from 1; 0 before the first epoch ends
  // The current head; after the end, the result (see early stopping and divergence).
  const Head& head() const;
  const std::vector<EpochMetrics>& history() const;
  const std::vector<float>& class_weights() const;  // resolved; empty = unweighted
  const FeatureSet& train_set() const;
  const FeatureSet& val_set() const;

  struct Impl;

 private:
  Trainer();
  std::unique_ptr<Impl> impl_;
};

}  // namespace frost::train
