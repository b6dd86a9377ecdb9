// `frost finetune` flag values -> TrainConfig, and the checks of a whole config.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "frost/io/npy.hpp"
#include "frost/train.hpp"

namespace frost::train {
namespace {

template <typename Kind, size_t N>
Status ParseChoice(std::string_view text, const char* flag,
                   const std::pair<const char*, Kind> (&choices)[N], Kind* out) {
  std::string accepted;
  for (const auto& [name, kind] : choices) {
    if (text == name) {
      *out = kind;
      return Status::Ok();
    }
    accepted += accepted.empty() ? name : std::string("|") + name;
  }
  return Status::Error(std::string(flag) + ": '" + std::string(text) + "' is not one of " +
                       accepted);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Status Check(bool ok, const std::string& message) {
  return ok ? Status::Ok() : Status::Error(message);
}

}  // namespace

Status ParseOptimizer(std::string_view text, OptimizerKind* out) {
  static const std::pair<const char*, OptimizerKind> kChoices[] = {
      {"sgd", OptimizerKind::kSgd},
      {"adam", OptimizerKind::kAdam},
      {"adamw", OptimizerKind::kAdamW},
      {"rmsprop", OptimizerKind::kRmsprop}};
  return ParseChoice(text, "--optimizer", kChoices, out);
}

Status ParseSchedule(std::string_view text, ScheduleKind* out) {
  static const std::pair<const char*, ScheduleKind> kChoices[] = {
      {"constant", ScheduleKind::kConstant},
      {"step", ScheduleKind::kStep},
      {"exponential", ScheduleKind::kExponential},
      {"cosine", ScheduleKind::kCosine}};
  return ParseChoice(text, "--schedule", kChoices, out);
}

Status ParseLoss(std::string_view text, LossKind* out) {
  static const std::pair<const char*, LossKind> kChoices[] = {{"ce", LossKind::kCrossEntropy},
                                                              {"focal", LossKind::kFocal}};
  return ParseChoice(text, "--loss", kChoices, out);
}

Status ParseBalance(std::string_view text, BalanceKind* out) {
  static const std::pair<const char*, BalanceKind> kChoices[] = {
      {"none", BalanceKind::kNone},
      {"oversample", BalanceKind::kOversample},
      {"undersample", BalanceKind::kUndersample}};
  return ParseChoice(text, "--balance", kChoices, out);
}

Status ParseHead(std::string_view text, int* hidden) {
  if (text == "linear") {
    *hidden = 0;
    return Status::Ok();
  }
  if (text.substr(0, 4) == "mlp:") {
    std::string digits(text.substr(4));
    char* end = nullptr;
    long value = digits.empty() ? 0 : std::strtol(digits.c_str(), &end, 10);
    if (end && *end == '\0' && value >= 1 && value <= (1 << 20)) {
      *hidden = int(value);
      return Status::Ok();
    }
  }
  return Status::Error("--head: '" + std::string(text) +
                       "' is not 'linear' or 'mlp:H' with H a positive number of hidden units");
}

Status LoadClassWeights(const std::string& path, std::vector<float>* out) {
  std::vector<float> weights;
  if (EndsWith(path, ".npy")) {
    io::NpyArray array;
    if (auto s = io::ReadNpy(path, &array); !s) return s;
    weights = std::move(array.data);
  } else {
    std::ifstream file(path);
    if (!file) return Status::Error("--class-weights: cannot open '" + path + "'");
    std::stringstream text;
    text << file.rdbuf();
    std::string all = text.str();
    for (char& c : all) {
      if (c == ',') c = ' ';
    }
    std::istringstream numbers(all);
    std::string token;
    while (numbers >> token) {
      char* end = nullptr;
      float value = std::strtof(token.c_str(), &end);
      if (!end || *end != '\0') {
        return Status::Error("--class-weights: '" + path + "': '" + token + "' (weight " +
                             std::to_string(weights.size() + 1) + ") is not a number");
      }
      weights.push_back(value);
    }
  }
  for (size_t c = 0; c < weights.size(); ++c) {
    if (!std::isfinite(weights[c]) || weights[c] <= 0) {
      return Status::Error("--class-weights: '" + path + "': weight " + std::to_string(c) + " is " +
                           std::to_string(weights[c]) + "; weights must be finite and above 0");
    }
  }
  if (weights.empty()) return Status::Error("--class-weights: '" + path + "' holds no weights");
  *out = std::move(weights);
  return Status::Ok();
}

Status ParseClassWeights(std::string_view text, TrainConfig* config) {
  if (text == "auto") {
    config->class_weight_mode = ClassWeightMode::kAuto;
    config->class_weights.clear();
    return Status::Ok();
  }
  if (text == "none") {
    config->class_weight_mode = ClassWeightMode::kNone;
    config->class_weights.clear();
    return Status::Ok();
  }
  config->class_weight_mode = ClassWeightMode::kGiven;
  return LoadClassWeights(std::string(text), &config->class_weights);
}

Status ValidateConfig(const TrainConfig& c, int num_classes) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  auto non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
  auto unit = [](double v) { return std::isfinite(v) && v >= 0 && v < 1; };
  double momentum = c.momentum.value_or(0);
  Status checks[] = {
      Check(num_classes >= 2,
            "training needs at least 2 classes, the data has " + std::to_string(num_classes)),
      Check(c.epochs >= 1, "--epochs must be at least 1"),
      Check(c.batch >= 1, "--batch must be at least 1"),
      Check(positive(c.lr), "--lr must be a positive number"),
      Check(unit(momentum), "--momentum must be in [0, 1)"),
      Check(!c.nesterov || (c.optimizer == OptimizerKind::kSgd && c.momentum.value_or(0.9) > 0),
            "--nesterov needs --optimizer sgd and a momentum above 0"),
      Check(unit(c.beta1) && unit(c.beta2), "--beta1 and --beta2 must be in [0, 1)"),
      Check(positive(c.eps), "--eps must be a positive number"),
      Check(unit(c.rmsprop_alpha), "the RMSprop alpha must be in [0, 1)"),
      Check(non_negative(c.weight_decay), "--weight-decay must be 0 or more"),
      Check(non_negative(c.l1), "--l1 must be 0 or more"),
      Check(c.warmup_epochs >= 0 && c.warmup_epochs < c.epochs,
            "--warmup-epochs must be at least 0 and below --epochs"),
      Check(c.step_size >= 0 && positive(c.step_gamma) && positive(c.exp_gamma),
            "the step/exponential schedule needs a step size >= 0 and gammas above 0"),
      Check(non_negative(c.focal_gamma), "--focal-gamma must be 0 or more"),
      Check(unit(c.label_smoothing), "--label-smoothing must be in [0, 1)"),
      Check(c.label_smoothing == 0 || c.loss == LossKind::kCrossEntropy,
            "--label-smoothing works with --loss ce only"),
      Check(c.class_weight_mode != ClassWeightMode::kGiven ||
                c.class_weights.size() == size_t(num_classes),
            "--class-weights: " + std::to_string(c.class_weights.size()) + " weights for " +
                std::to_string(num_classes) + " classes"),
      Check(std::all_of(c.class_weights.begin(), c.class_weights.end(), positive),
            "--class-weights: every weight must be finite and above 0"),
      Check(unit(c.dropout), "--dropout must be in [0, 1)"),
      Check(c.hidden >= 0, "--head mlp:H needs H >= 1"),
      Check(c.early_stop >= 0, "--early-stop must be 0 (off) or a patience in epochs"),
      Check(unit(c.val_split) && c.val_split < 1, "--val-split must be in [0, 1)"),
  };
  for (Status& s : checks) {
    if (!s) return s;
  }
  return Status::Ok();
}

}  // namespace frost::train
