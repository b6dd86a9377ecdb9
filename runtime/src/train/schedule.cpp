// Per-epoch learning rate: linear warmup, then constant / step / exponential / cosine.
// The formulas (and the torch schedulers they equal) are listed in frost/train.hpp.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "frost/train.hpp"

namespace frost::train {

double LearningRate(const TrainConfig& config, int epoch) {
  int warmup = std::max(0, config.warmup_epochs);
  if (epoch < warmup) return config.lr * (0.1 + 0.9 * double(epoch) / double(warmup));
  int t = epoch - warmup;
  int span = std::max(1, config.epochs - warmup);
  switch (config.schedule) {
    case ScheduleKind::kConstant:
      return config.lr;
    case ScheduleKind::kStep: {
      int step_size = config.step_size > 0 ? config.step_size : std::max(1, span / 3);
      return config.lr * std::pow(config.step_gamma, double(t / step_size));
    }
    case ScheduleKind::kExponential:
      return config.lr * std::pow(config.exp_gamma, double(t));
    case ScheduleKind::kCosine:
      return config.lr * (1 + std::cos(std::numbers::pi * double(t) / double(span))) / 2;
  }
  return config.lr;
}

}  // namespace frost::train
