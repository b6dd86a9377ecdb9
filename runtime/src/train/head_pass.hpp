// One mini-batch through the head: forward to the loss, backward to the parameter
// gradients. The activations (and their gradients, and the dropout masks) of a batch of up
// to `max_batch` samples live in one allocation, sized once.
//
//   linear head:  x -> [dropout] -> fc1 -> logits
//   mlp head:     x -> [dropout] -> fc1 -> ReLU -> [dropout] -> fc2 -> logits
//
// Dropout and ReLU run in place: the input gradient of the features is never needed, and
// ReLU's backward can read its (dropped-out) output since a dropped unit's gradient is 0
// either way.
#pragma once

#include <cstddef>
#include <vector>

#include "frost/train.hpp"
#include "train/rng.hpp"

namespace frost::train {

struct LossSettings {
  LossKind kind = LossKind::kCrossEntropy;
  float label_smoothing = 0;
  float focal_gamma = 2;
  const float* class_weights = nullptr;  // null = unweighted
};

class HeadPass {
 public:
  HeadPass(const HeadShape& shape, size_t max_batch, float dropout);

  // The batch's features (batch x inputs), written by the caller before Forward.
  float* input() { return x_; }
  size_t max_batch() const { return max_batch_; }
  // Draws the dropout masks of `batch` samples (no-op without dropout).
  void DrawMasks(Rng* rng, size_t batch);
  // Training-mode forward (dropout on when masks were drawn); returns the batch loss and
  // counts argmax hits in *correct.
  float Forward(const Head& head, size_t batch, const int* labels, const LossSettings& loss,
                size_t* correct);
  // Accumulates d loss / d params into `grads` (laid out like head.params()).
  void Backward(const Head& head, float* grads, size_t batch, const int* labels,
                const LossSettings& loss);
  const float* logits() const { return logits_; }

 private:
  HeadShape shape_;
  size_t max_batch_;
  float dropout_;
  std::vector<float> memory_;
  float* x_ = nullptr;       // max_batch x inputs (dropped out in place)
  float* x_mask_ = nullptr;  // same, when dropout > 0
  float* h_ = nullptr;       // max_batch x hidden (fc1, ReLU, dropout in place)
  float* h_mask_ = nullptr;
  float* dh_ = nullptr;
  float* logits_ = nullptr;  // max_batch x classes
  float* logp_ = nullptr;
  float* probs_ = nullptr;
  float* dlogits_ = nullptr;
};

// The loss of precomputed logits, for evaluation; `scratch` holds 2 x batch x classes.
float LossOfLogits(float* scratch, const float* logits, size_t batch, size_t classes,
                   const int* labels, const LossSettings& loss, size_t* correct);

}  // namespace frost::train
