// SGD / Adam / AdamW / RMSprop exactly as torch.optim 1.13's single-tensor functions.
#include "train/optimizer.hpp"

#include <cmath>

namespace frost::train {
namespace {

size_t StateSlots(const OptimizerSettings& s) {
  switch (s.kind) {
    case OptimizerKind::kSgd:
      return s.momentum != 0 ? 1 : 0;
    case OptimizerKind::kAdam:
    case OptimizerKind::kAdamW:
      return 2;
    case OptimizerKind::kRmsprop:
      return s.momentum > 0 ? 2 : 1;
  }
  return 0;
}

float Sign(float x) { return float(x > 0) - float(x < 0); }

}  // namespace

std::vector<ParamSegment> HeadSegments(const Head& head) {
  std::vector<ParamSegment> segments;
  size_t offset = 0;
  for (int layer = 0; layer < head.num_layers(); ++layer) {
    size_t in = size_t(head.layer_inputs(layer)), out = size_t(head.layer_outputs(layer));
    segments.push_back({offset, out * in, true});
    offset += out * in;
    segments.push_back({offset, out, false});
    offset += out;
  }
  return segments;
}

OptimizerSettings SettingsFrom(const TrainConfig& config) {
  OptimizerSettings s;
  s.kind = config.optimizer;
  double default_momentum = config.optimizer == OptimizerKind::kSgd ? 0.9 : 0.0;
  s.momentum = config.momentum.value_or(default_momentum);
  s.nesterov = config.nesterov;
  s.beta1 = config.beta1;
  s.beta2 = config.beta2;
  s.eps = config.eps;
  s.alpha = config.rmsprop_alpha;
  s.weight_decay = config.weight_decay;
  s.l1 = config.l1;
  return s;
}

Optimizer::Optimizer(const OptimizerSettings& settings, std::vector<ParamSegment> segments,
                     size_t num_params)
    : settings_(settings), segments_(std::move(segments)), num_params_(num_params) {
  Reset();
}

void Optimizer::Reset() {
  state_.assign(StateSlots(settings_) * num_params_, 0.0f);
  steps_ = 0;
}

void Optimizer::Step(float* params, float* grads, double lr) {
  ++steps_;
  size_t slots = num_params_ ? state_.size() / num_params_ : 0;
  for (const ParamSegment& seg : segments_) {
    float* p = params + seg.offset;
    float* g = grads + seg.offset;
    if (seg.is_weight && settings_.l1 != 0) {
      float l1 = float(settings_.l1);
      for (size_t i = 0; i < seg.size; ++i) g[i] += l1 * Sign(p[i]);
    }
    float wd = seg.is_weight ? float(settings_.weight_decay) : 0.0f;
    float* s0 = slots > 0 ? state_.data() + seg.offset : nullptr;
    float* s1 = slots > 1 ? state_.data() + num_params_ + seg.offset : nullptr;
    switch (settings_.kind) {
      case OptimizerKind::kSgd:
        SgdStep(p, g, s0, seg.size, float(lr), wd);
        break;
      case OptimizerKind::kAdam:
        AdamStep(p, g, s0, s1, seg.size, lr, wd, false);
        break;
      case OptimizerKind::kAdamW:
        AdamStep(p, g, s0, s1, seg.size, lr, wd, true);
        break;
      case OptimizerKind::kRmsprop:
        RmspropStep(p, g, s0, s1, seg.size, float(lr), wd);
        break;
    }
  }
}

// d = g + wd p; buf = momentum buf + d (torch starts the buffer as a copy of the first d,
// which a zero buffer gives exactly since dampening is 0); d = nesterov ? d + momentum buf
// : buf; p -= lr d. (One loop per variant, so that each vectorises.)
void Optimizer::SgdStep(float* p, const float* g, float* buf, size_t n, float lr, float wd) const {
  float momentum = float(settings_.momentum);
  if (!buf) {
    for (size_t i = 0; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
  } else if (settings_.nesterov) {
    for (size_t i = 0; i < n; ++i) {
      float d = g[i] + wd * p[i];
      buf[i] = buf[i] * momentum + d;
      p[i] -= lr * (d + momentum * buf[i]);
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      buf[i] = buf[i] * momentum + (g[i] + wd * p[i]);
      p[i] -= lr * buf[i];
    }
  }
}

// Adam: d = g + wd p (AdamW instead: p *= 1 - lr wd); m = b1 m + (1-b1) d;
// v = b2 v + (1-b2) d^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
// The bias corrections are computed in double, as torch does in Python.
void Optimizer::AdamStep(float* p, const float* g, float* m, float* v, size_t n, double lr,
                         float wd, bool decoupled) const {
  double t = double(steps_);
  float b1 = float(settings_.beta1), b2 = float(settings_.beta2);
  float one_minus_b1 = float(1 - settings_.beta1), one_minus_b2 = float(1 - settings_.beta2);
  float step_size = float(lr / (1 - std::pow(settings_.beta1, t)));
  float bias2_sqrt = float(std::sqrt(1 - std::pow(settings_.beta2, t)));
  float eps = float(settings_.eps);
  // AdamW's decay is a multiplication by `keep`; Adam's an L2 term in the gradient (`l2`).
  float keep = decoupled ? float(1 - lr * double(wd)) : 1.0f;
  float l2 = decoupled ? 0.0f : wd;
  for (size_t i = 0; i < n; ++i) {
    float d = g[i] + l2 * p[i];
    float decayed = p[i] * keep;
    m[i] = m[i] * b1 + one_minus_b1 * d;
    v[i] = v[i] * b2 + one_minus_b2 * d * d;
    float denom = std::sqrt(v[i]) / bias2_sqrt + eps;
    p[i] = decayed - step_size * m[i] / denom;
  }
}

// d = g + wd p; sq = alpha sq + (1-alpha) d^2; avg = sqrt(sq) + eps;
// momentum: buf = momentum buf + d / avg, p -= lr buf; else p -= lr d / avg.
void Optimizer::RmspropStep(float* p, const float* g, float* sq, float* buf, size_t n, float lr,
                            float wd) const {
  float alpha = float(settings_.alpha), one_minus_alpha = float(1 - settings_.alpha);
  float eps = float(settings_.eps), momentum = float(settings_.momentum);
  if (buf) {
    for (size_t i = 0; i < n; ++i) {
      float d = g[i] + wd * p[i];
      sq[i] = sq[i] * alpha + one_minus_alpha * d * d;
      buf[i] = buf[i] * momentum + d / (std::sqrt(sq[i]) + eps);
      p[i] -= lr * buf[i];
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      float d = g[i] + wd * p[i];
      sq[i] = sq[i] * alpha + one_minus_alpha * d * d;
      p[i] -= lr * d / (std::sqrt(sq[i]) + eps);
    }
  }
}

}  // namespace frost::train
