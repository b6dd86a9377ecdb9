// Flag parsing and config validation: accepted values, and errors that name the flag.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "frost/io/npy.hpp"
#include "frost/train.hpp"

namespace frost::train {
namespace {

bool Mentions(const Status& s, const std::string& text) {
  return !s && s.message().find(text) != std::string::npos;
}

TEST_CASE("flag values parse; unknown values list the accepted ones") {
  OptimizerKind opt;
  REQUIRE(ParseOptimizer("adamw", &opt));
  CHECK(opt == OptimizerKind::kAdamW);
  CHECK(Mentions(ParseOptimizer("lion", &opt), "sgd|adam|adamw|rmsprop"));
  ScheduleKind schedule;
  REQUIRE(ParseSchedule("cosine", &schedule));
  CHECK(schedule == ScheduleKind::kCosine);
  CHECK(Mentions(ParseSchedule("linear", &schedule), "--schedule"));
  LossKind loss;
  REQUIRE(ParseLoss("focal", &loss));
  CHECK(loss == LossKind::kFocal);
  BalanceKind balance;
  REQUIRE(ParseBalance("undersample", &balance));
  CHECK(balance == BalanceKind::kUndersample);
  int hidden = -1;
  REQUIRE(ParseHead("linear", &hidden));
  CHECK(hidden == 0);
  REQUIRE(ParseHead("mlp:256", &hidden));
  CHECK(hidden == 256);
  for (const char* bad : {"mlp:", "mlp:0", "mlp:12x", "mlp", "conv"}) {
    CHECK(Mentions(ParseHead(bad, &hidden), "--head"));
  }
}

TEST_CASE("class weights: auto, a text file, an .npy file, and bad files") {
  TrainConfig config;
  REQUIRE(ParseClassWeights("auto", &config));
  CHECK(config.class_weight_mode == ClassWeightMode::kAuto);
  std::string text_path = std::string(FROST_BINARY_DIR) + "/train_weights_test.txt";
  std::ofstream(text_path) << "1.5, 2\n0.25\n";
  REQUIRE(ParseClassWeights(text_path, &config));
  CHECK(config.class_weight_mode == ClassWeightMode::kGiven);
  CHECK(config.class_weights == std::vector<float>{1.5f, 2.0f, 0.25f});
  CHECK(ValidateConfig(config, 3));
  CHECK(Mentions(ValidateConfig(config, 4), "3 weights for 4 classes"));
  std::string npy_path = std::string(FROST_BINARY_DIR) + "/train_weights_test.npy";
  float values[2] = {1.0f, 3.0f};
  REQUIRE(io::WriteNpy(npy_path, {2}, values));
  std::vector<float> loaded;
  REQUIRE(LoadClassWeights(npy_path, &loaded));
  CHECK(loaded == std::vector<float>{1.0f, 3.0f});
  std::ofstream(text_path) << "1 two 3";
  CHECK(Mentions(LoadClassWeights(text_path, &loaded), "'two' (weight 2)"));
  std::ofstream(text_path) << "1 -3";
  CHECK(Mentions(LoadClassWeights(text_path, &loaded), "above 0"));
  CHECK(Mentions(LoadClassWeights("/nonexistent/w.txt", &loaded), "cannot open"));
  std::remove(text_path.c_str());
  std::remove(npy_path.c_str());
}

TEST_CASE("ValidateConfig rejects out-of-range values and bad combinations") {
  TrainConfig ok;
  CHECK(ValidateConfig(ok, 5));
  CHECK(Mentions(ValidateConfig(ok, 1), "at least 2 classes"));
  auto with = [&](auto change) {
    TrainConfig c;
    change(c);
    return ValidateConfig(c, 5);
  };
  CHECK(Mentions(with([](TrainConfig& c) { c.epochs = 0; }), "--epochs"));
  CHECK(Mentions(with([](TrainConfig& c) { c.batch = 0; }), "--batch"));
  CHECK(Mentions(with([](TrainConfig& c) { c.lr = -1; }), "--lr"));
  CHECK(Mentions(with([](TrainConfig& c) { c.momentum = 1.0; }), "--momentum"));
  CHECK(Mentions(with([](TrainConfig& c) { c.beta2 = 1.0; }), "--beta1 and --beta2"));
  CHECK(Mentions(with([](TrainConfig& c) { c.warmup_epochs = 30; }), "--warmup-epochs"));
  CHECK(Mentions(with([](TrainConfig& c) { c.dropout = 1.0; }), "--dropout"));
  CHECK(Mentions(with([](TrainConfig& c) { c.label_smoothing = 0.1, c.loss = LossKind::kFocal; }),
                 "--loss ce only"));
  CHECK(Mentions(with([](TrainConfig& c) { c.nesterov = true, c.momentum = 0.0; }), "--nesterov"));
  CHECK(Mentions(with([](TrainConfig& c) { c.val_split = 1.0; }), "--val-split"));
  CHECK(Mentions(with([](TrainConfig& c) {
                   c.class_weight_mode = ClassWeightMode::kGiven;
                   c.class_weights = {1, 1, 0, 1, 1};
                 }),
                 "above 0"));
  CHECK(with([](TrainConfig& c) { c.nesterov = true; }));  // SGD's default momentum 0.9
}

}  // namespace
}  // namespace frost::train
