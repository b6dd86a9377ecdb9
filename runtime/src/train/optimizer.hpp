// torch.optim's SGD, Adam, AdamW and RMSprop (1.13, single-tensor path) over the head's
// parameters, with the optimiser state in one allocation.
//
// Parameters come as segments (a layer's weight or bias); weight decay and L1 apply only
// to weight segments, like two torch param groups (weights: weight_decay, biases: 0).
#pragma once

#include <cstddef>
#include <vector>

#include "frost/train.hpp"

namespace frost::train {

struct ParamSegment {
  size_t offset = 0;
  size_t size = 0;
  bool is_weight = false;  // decayed and L1-penalised
};

// The segments of a head's params(): fc1.weight, fc1.bias, (fc2.weight, fc2.bias).
std::vector<ParamSegment> HeadSegments(const Head& head);

struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::kSgd;
  double momentum = 0;  // SGD, RMSprop
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double alpha = 0.99;  // RMSprop
  double weight_decay = 0;
  double l1 = 0;
};

// The settings of `config` with the per-optimiser defaults resolved.
OptimizerSettings SettingsFrom(const TrainConfig& config);

class Optimizer {
 public:
  Optimizer(const OptimizerSettings& settings, std::vector<ParamSegment> segments,
            size_t num_params);

  // One update of `params` with gradient `grads` at learning rate `lr`. Adds the L1 term
  // to `grads` (so they are modified).
  void Step(float* params, float* grads, double lr);
  long steps() const { return steps_; }
  // The whole state (e.g. Adam's exp_avg then exp_avg_sq), to save or compare.
  const std::vector<float>& state() const { return state_; }
  void Reset();

 private:
  void SgdStep(float* p, const float* g, float* buf, size_t n, float lr, float wd) const;
  void AdamStep(float* p, const float* g, float* m, float* v, size_t n, double lr, float wd,
                bool decoupled) const;
  void RmspropStep(float* p, const float* g, float* sq, float* buf, size_t n, float lr,
                   float wd) const;

  OptimizerSettings settings_;
  std::vector<ParamSegment> segments_;
  size_t num_params_ = 0;
  std::vector<float> state_;  // slots x num_params
  long steps_ = 0;
};

}  // namespace frost::train
