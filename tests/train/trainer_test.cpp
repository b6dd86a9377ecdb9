// The trainer: learning, Step/RunEpoch/Fit agreement, determinism, metrics, early
// stopping, divergence, the validation split and input checks.
#include <doctest/doctest.h>

#include <cmath>

#include "frost/train.hpp"
#include "synthetic_data.hpp"

namespace frost::train {
namespace {

using testing::Blobs;

std::vector<float> Params(const Head& head) {
  return std::vector<float>(head.params(), head.params() + head.num_params());
}

std::unique_ptr<Trainer> MakeTrainer(const TrainConfig& config, FeatureSet train, FeatureSet val,
                                     int classes = 3) {
  std::unique_ptr<Trainer> trainer;
  Status s = Trainer::Create(config, std::move(train), std::move(val), classes, &trainer);
  INFO(s.message());
  REQUIRE(s);
  return trainer;
}

TEST_CASE("a linear and an mlp head learn separable blobs; metrics arrive per epoch") {
  for (int hidden : {0, 16}) {
    CAPTURE(hidden);
    TrainConfig config;
    config.epochs = 8;
    config.hidden = hidden;
    config.schedule = ScheduleKind::kCosine;
    config.dropout = 0.1;
    auto trainer =
        MakeTrainer(config, Blobs({60, 60, 60}, 10, 0.5, 1), Blobs({20, 20, 20}, 10, 0.5, 1));
    std::vector<EpochMetrics> seen;
    trainer->SetEpochCallback([&](const EpochMetrics& m) { seen.push_back(m); });
    REQUIRE(trainer->Fit());
    CHECK(trainer->stop_reason() == StopReason::kCompleted);
    REQUIRE(seen.size() == 8);
    CHECK(seen[0].epoch == 1);
    CHECK(seen[0].steps == 6);  // 180 samples / 32, last batch 20
    CHECK(seen[0].lr == doctest::Approx(LearningRate(config, 0)));
    CHECK(seen[7].lr == doctest::Approx(LearningRate(config, 7)));
    CHECK(seen[7].train_loss < seen[0].train_loss);
    CHECK(seen[7].val_accuracy > 0.95);
    CHECK(seen[7].seconds >= 0);
    Metrics metrics;
    REQUIRE(Evaluate(trainer->head(), trainer->val_set(), 3, &metrics));
    CHECK(metrics.accuracy == doctest::Approx(seen[7].val_accuracy));
    CHECK(metrics.confusion[1][0] + metrics.confusion[1][1] + metrics.confusion[1][2] == 20);
    CHECK(metrics.classes[2].recall > 0.9);
  }
}

TEST_CASE("Step by step, epoch by epoch and Fit give the same head; seeds reproduce") {
  TrainConfig config;
  config.epochs = 3;
  config.batch = 16;
  config.optimizer = OptimizerKind::kAdam;
  config.dropout = 0.2;
  config.hidden = 8;
  config.balance = BalanceKind::kOversample;
  FeatureSet data = Blobs({40, 25, 10}, 6, 1.0, 2);
  auto fit = MakeTrainer(config, data, {});
  REQUIRE(fit->Fit());
  auto steps = MakeTrainer(config, data, {});
  int count = 0;
  while (!steps->done()) {
    REQUIRE(steps->Step());
    ++count;
  }
  CHECK(count == 3 * 8);  // oversampled to 3 x 40 = 120 samples: 8 batches of 16
  auto epochs = MakeTrainer(config, data, {});
  while (!epochs->done()) REQUIRE(epochs->RunEpoch());
  CHECK(Params(fit->head()) == Params(steps->head()));
  CHECK(Params(fit->head()) == Params(epochs->head()));
  CHECK_FALSE(steps->Step());  // finished
  config.seed = 1;
  auto other = MakeTrainer(config, data, {});
  REQUIRE(other->Fit());
  CHECK(Params(other->head()) != Params(fit->head()));
}

TEST_CASE("early stopping stops after PATIENCE epochs without a better val loss, keeps the best") {
  // Random labels: the validation loss cannot keep improving while the head memorises.
  TrainConfig config;
  config.epochs = 200;
  config.early_stop = 3;
  config.lr = 0.5;
  config.weight_decay = 0;
  FeatureSet train = Blobs({30, 30, 30}, 40, 3.0, 3), val = Blobs({30, 30, 30}, 40, 3.0, 4);
  for (size_t i = 0; i < train.size(); ++i) train.labels[i] = int((i * 7919) % 3);
  auto trainer = MakeTrainer(config, train, val);
  std::vector<float> best_params;
  trainer->SetEpochCallback([&](const EpochMetrics& m) {
    if (m.best) best_params = Params(trainer->head());
  });
  REQUIRE(trainer->Fit());
  CHECK(trainer->stop_reason() == StopReason::kEarlyStopped);
  CHECK(trainer->epochs_completed() < 200);
  CHECK(trainer->epochs_completed() == trainer->best_epoch() + 3);
  CHECK(Params(trainer->head()) == best_params);
  const auto& h = trainer->history();
  for (const EpochMetrics& m : h) {
    CHECK(m.val_loss >= h[size_t(trainer->best_epoch() - 1)].val_loss);
  }
}

TEST_CASE("a diverging run stops with a clear message and keeps the best head so far") {
  TrainConfig config;
  config.epochs = 50;
  config.weight_decay = 0;
  FeatureSet train = Blobs({30, 30, 30}, 8, 1.0, 5);
  std::string kept;
  SUBCASE("in the first epoch: the initial head") {
    config.lr = 1e10;
    for (float& v : train.features) v *= 1e15f;  // the first update overflows the logits
    kept = "kept the initial head";
  }
  SUBCASE("after good epochs: the best of them") {
    config.schedule = ScheduleKind::kExponential;
    config.exp_gamma = 1e12;  // lr 0.01, 1e10, 1e22, ... overflows after a few epochs
    kept = "kept the head of epoch";
  }
  auto trainer = MakeTrainer(config, train, {});
  std::vector<float> best = Params(trainer->head());
  trainer->SetEpochCallback([&](const EpochMetrics& m) {
    if (m.best) best = Params(trainer->head());
  });
  Status s = trainer->Fit();
  REQUIRE_FALSE(s);
  INFO(s.message());
  CHECK(s.message().find("training diverged") == 0);
  CHECK(s.message().find("in epoch") != std::string::npos);
  CHECK(s.message().find(kept) != std::string::npos);
  CHECK(trainer->stop_reason() == StopReason::kDiverged);
  CHECK(Params(trainer->head()) == best);
  for (float v : Params(trainer->head())) CHECK(std::isfinite(v));
}

TEST_CASE("--val-split carves a stratified validation set; class weights auto resolve") {
  TrainConfig config;
  config.val_split = 0.25;
  config.epochs = 1;
  config.class_weight_mode = ClassWeightMode::kAuto;
  auto trainer = MakeTrainer(config, Blobs({40, 20, 20}, 4, 1.0, 6), {});
  CHECK(trainer->val_set().size() == 20);
  CHECK(trainer->train_set().size() == 60);
  REQUIRE(trainer->class_weights().size() == 3);
  CHECK(trainer->class_weights()[0] == doctest::Approx(60.0 / (3 * 30)));
  CHECK(trainer->class_weights()[1] == doctest::Approx(60.0 / (3 * 15)));
  REQUIRE(trainer->Fit());
  CHECK(std::isfinite(trainer->history()[0].val_loss));
}

TEST_CASE("SetHead starts from a given head, only before the first step") {
  TrainConfig config;
  config.epochs = 1;
  FeatureSet data = Blobs({10, 10, 10}, 4, 1.0, 7);
  auto trainer = MakeTrainer(config, data, {});
  Head start;
  REQUIRE(Head::Create({4, 0, 3}, 99, &start));
  REQUIRE(trainer->SetHead(start));
  CHECK(Params(trainer->head()) == Params(start));
  Head wrong;
  REQUIRE(Head::Create({4, 5, 3}, 99, &wrong));
  CHECK(trainer->SetHead(wrong).message().find("4 -> 5 -> 3") != std::string::npos);
  REQUIRE(trainer->Step());
  CHECK_FALSE(trainer->SetHead(start));
}

TEST_CASE("bad inputs are refused with messages that say what is wrong") {
  TrainConfig config;
  FeatureSet data = Blobs({5, 5, 5}, 4, 1.0, 8);
  std::unique_ptr<Trainer> t;
  FeatureSet bad = data;
  bad.labels[3] = 7;
  CHECK(Trainer::Create(config, bad, {}, 3, &t).message().find("label 7") != std::string::npos);
  bad = data;
  bad.features[9] = std::nanf("");
  CHECK(Trainer::Create(config, bad, {}, 3, &t).message().find("sample 2") != std::string::npos);
  CHECK_FALSE(Trainer::Create(config, {}, {}, 3, &t));
  FeatureSet narrow = Blobs({2, 2, 2}, 3, 1.0, 8);
  CHECK(Trainer::Create(config, data, narrow, 3, &t).message().find("validation") !=
        std::string::npos);
  TrainConfig both = config;
  both.val_split = 0.2;
  CHECK_FALSE(Trainer::Create(both, data, data, 3, &t));
  TrainConfig nesterov_adam = config;
  nesterov_adam.optimizer = OptimizerKind::kAdam;
  nesterov_adam.nesterov = true;
  CHECK(Trainer::Create(nesterov_adam, data, {}, 3, &t).message().find("--nesterov") !=
        std::string::npos);
}

}  // namespace
}  // namespace frost::train
