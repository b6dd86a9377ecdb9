// Optimisers: single steps against values worked out by hand from torch.optim's formulas,
// and several steps against a double-precision transcription of torch's code.
#include <doctest/doctest.h>

#include <cmath>

#include "train/optimizer.hpp"

namespace frost::train {
namespace {

// params [w0, w1, w2 | b0, b1]: one weight segment (decayed) and one bias segment (not).
std::vector<ParamSegment> Segments() { return {{0, 3, true}, {3, 2, false}}; }

OptimizerSettings Settings(OptimizerKind kind) {
  OptimizerSettings s;
  s.kind = kind;
  s.weight_decay = 0.01;
  return s;
}

TEST_CASE("SGD with nesterov momentum: two steps worked out by hand") {
  OptimizerSettings s = Settings(OptimizerKind::kSgd);
  s.momentum = 0.9;
  s.nesterov = true;
  Optimizer opt(s, Segments(), 5);
  std::vector<float> p(5, 1.0f), g(5, 0.5f);
  opt.Step(p.data(), g.data(), 0.1);
  // weight: d = 0.5 + 0.01 = 0.51, buf = 0.51, d = 0.51 + 0.9 * 0.51 = 0.969
  CHECK(p[0] == doctest::Approx(1 - 0.0969).epsilon(1e-6));
  CHECK(p[3] == doctest::Approx(1 - 0.095).epsilon(1e-6));  // bias: no decay
  g.assign(5, 0.5f);
  opt.Step(p.data(), g.data(), 0.1);
  // d = 0.5 + 0.009031, buf = 0.9 * 0.51 + d = 0.968031, d += 0.9 * buf -> 1.3802589
  CHECK(p[0] == doctest::Approx(0.9031 - 0.13802589).epsilon(1e-6));
}

TEST_CASE("Adam and AdamW first step: lr * sign, AdamW decays the weight first") {
  std::vector<float> p(5, 1.0f), g(5, 0.5f);
  Optimizer adam(Settings(OptimizerKind::kAdam), Segments(), 5);
  adam.Step(p.data(), g.data(), 0.1);
  // m_hat = d, sqrt(v_hat) = |d| with d = 0.51 -> p = 1 - 0.1 * 0.51 / (0.51 + 1e-8)
  CHECK(p[0] == doctest::Approx(1 - 0.1 * 0.51 / (0.51 + 1e-8)).epsilon(1e-7));
  p.assign(5, 1.0f);
  g.assign(5, 0.5f);
  Optimizer adamw(Settings(OptimizerKind::kAdamW), Segments(), 5);
  adamw.Step(p.data(), g.data(), 0.1);
  CHECK(p[0] == doctest::Approx(1 * (1 - 0.1 * 0.01) - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-7));
  CHECK(p[3] == doctest::Approx(1 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-7));
}

TEST_CASE("RMSprop with momentum: two steps worked out by hand") {
  OptimizerSettings s = Settings(OptimizerKind::kRmsprop);
  s.weight_decay = 0;
  s.momentum = 0.9;
  Optimizer opt(s, Segments(), 5);
  std::vector<float> p(5, 1.0f), g(5, 0.5f);
  opt.Step(p.data(), g.data(), 0.01);
  // sq = 0.01 * 0.25, avg = 0.05 + eps, buf = 0.5 / avg = 10, p = 1 - 0.01 * 10
  CHECK(p[0] == doctest::Approx(0.9).epsilon(1e-6));
  g.assign(5, 0.5f);
  opt.Step(p.data(), g.data(), 0.01);
  double sq = 0.99 * 0.0025 + 0.01 * 0.25, buf = 0.9 * 10 + 0.5 / (std::sqrt(sq) + 1e-8);
  CHECK(p[0] == doctest::Approx(0.9 - 0.01 * buf).epsilon(1e-6));
}

// torch 1.13's _single_tensor_{sgd,adam,adamw,rmsprop}, transcribed for one element.
struct Reference {
  OptimizerSettings s;
  double buf = 0, m = 0, v = 0;
  int t = 0;
  void Step(double* p, double g, double lr, bool is_weight) {
    ++t;
    double wd = is_weight ? s.weight_decay : 0;
    if (is_weight) g += s.l1 * ((*p > 0) - (*p < 0));
    switch (s.kind) {
      case OptimizerKind::kSgd:
        g += wd * *p;
        if (s.momentum != 0) {
          buf = t == 1 ? g : s.momentum * buf + g;
          g = s.nesterov ? g + s.momentum * buf : buf;
        }
        *p -= lr * g;
        break;
      case OptimizerKind::kAdam:
      case OptimizerKind::kAdamW: {
        if (s.kind == OptimizerKind::kAdamW) {
          *p *= 1 - lr * wd;
        } else {
          g += wd * *p;
        }
        m = s.beta1 * m + (1 - s.beta1) * g;
        v = s.beta2 * v + (1 - s.beta2) * g * g;
        double step_size = lr / (1 - std::pow(s.beta1, t));
        double denom = std::sqrt(v) / std::sqrt(1 - std::pow(s.beta2, t)) + s.eps;
        *p -= step_size * m / denom;
        break;
      }
      case OptimizerKind::kRmsprop: {
        g += wd * *p;
        v = s.alpha * v + (1 - s.alpha) * g * g;
        double avg = std::sqrt(v) + s.eps;
        if (s.momentum > 0) {
          buf = s.momentum * buf + g / avg;
          *p -= lr * buf;
        } else {
          *p -= lr * g / avg;
        }
        break;
      }
    }
  }
};

TEST_CASE("every optimiser follows torch's update over several steps, L1 and decay on weights") {
  struct Variant {
    const char* name;
    OptimizerKind kind;
    double momentum;
    bool nesterov;
    double l1;
  };
  const Variant variants[] = {
      {"sgd", OptimizerKind::kSgd, 0, false, 0},
      {"sgd momentum", OptimizerKind::kSgd, 0.9, false, 0.001},
      {"sgd nesterov", OptimizerKind::kSgd, 0.8, true, 0},
      {"adam", OptimizerKind::kAdam, 0, false, 0.001},
      {"adamw", OptimizerKind::kAdamW, 0, false, 0},
      {"rmsprop", OptimizerKind::kRmsprop, 0, false, 0.001},
      {"rmsprop momentum", OptimizerKind::kRmsprop, 0.5, false, 0},
  };
  for (const Variant& variant : variants) {
    CAPTURE(variant.name);
    OptimizerSettings s = Settings(variant.kind);
    s.momentum = variant.momentum;
    s.nesterov = variant.nesterov;
    s.l1 = variant.l1;
    Optimizer opt(s, Segments(), 5);
    std::vector<float> p = {0.3f, -0.2f, 0.0f, 0.1f, -0.4f};
    std::vector<double> expected(p.begin(), p.end());
    std::vector<Reference> ref(5, Reference{s});
    for (int step = 0; step < 6; ++step) {
      double lr = 0.05 / (1 + step);
      std::vector<float> g(5);
      for (size_t i = 0; i < 5; ++i) g[i] = float(std::sin(double(3 * step + int(i) + 1)));
      for (size_t i = 0; i < 5; ++i) ref[i].Step(&expected[i], double(g[i]), lr, i < 3);
      opt.Step(p.data(), g.data(), lr);
    }
    for (size_t i = 0; i < 5; ++i) {
      CAPTURE(i);
      CHECK(double(p[i]) == doctest::Approx(expected[i]).epsilon(1e-5));
    }
  }
}

TEST_CASE("weight decay touches weights only; L1 adds l1 * sign(w)") {
  OptimizerSettings s = Settings(OptimizerKind::kSgd);
  s.weight_decay = 0.5;
  s.l1 = 0.25;
  Optimizer opt(s, Segments(), 5);
  std::vector<float> p = {2.0f, -2.0f, 0.0f, 2.0f, -2.0f}, g(5, 0.0f);
  opt.Step(p.data(), g.data(), 1.0);
  // weights: p - (l1 sign(p) + wd p); the zero weight stays (sign 0); biases unchanged
  CHECK(p == std::vector<float>{2.0f - 1.25f, -2.0f + 1.25f, 0.0f, 2.0f, -2.0f});
}

TEST_CASE("per-optimiser defaults: SGD momentum 0.9, RMSprop momentum 0") {
  TrainConfig config;
  CHECK(SettingsFrom(config).momentum == 0.9);
  config.optimizer = OptimizerKind::kRmsprop;
  CHECK(SettingsFrom(config).momentum == 0.0);
  config.momentum = 0.5;
  CHECK(SettingsFrom(config).momentum == 0.5);
}

}  // namespace
}  // namespace frost::train
