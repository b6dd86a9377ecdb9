// frost's trainer against PyTorch (tests/train/gen/torch_reference.py): the same head,
// initial weights, sample order and hyper-parameters must give per-epoch train and
// validation losses equal to 1e-4 relative and the same final accuracies.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "frost/io/npy.hpp"
#include "frost/train.hpp"

namespace frost::train {
namespace {

const std::string kDir = std::string(FROST_BINARY_DIR) + "/testdata/train/";

io::NpyArray Load(const std::string& name) {
  io::NpyArray array;
  Status s = io::ReadNpy(kDir + name, &array);
  INFO(s.message());
  REQUIRE(s);
  return array;
}

FeatureSet LoadSet(const std::string& prefix) {
  io::NpyArray x = Load(prefix + "_x.npy"), y = Load(prefix + "_y.npy");
  FeatureSet set;
  set.dim = size_t(x.shape[1]);
  set.features = std::move(x.data);
  for (float label : y.data) set.labels.push_back(int(label));
  return set;
}

// The reference's config (frost's field names) as a TrainConfig.
TrainConfig ConfigFrom(const nlohmann::json& j) {
  TrainConfig c;
  c.epochs = j["epochs"];
  c.batch = j["batch"];
  REQUIRE(ParseOptimizer(j["optimizer"].get<std::string>(), &c.optimizer));
  c.lr = j["lr"];
  if (!j["momentum"].is_null()) c.momentum = j["momentum"].get<double>();
  c.nesterov = j["nesterov"];
  c.beta1 = j["beta1"];
  c.beta2 = j["beta2"];
  c.eps = j["eps"];
  c.rmsprop_alpha = j["rmsprop_alpha"];
  c.weight_decay = j["weight_decay"];
  c.l1 = j["l1"];
  REQUIRE(ParseSchedule(j["schedule"].get<std::string>(), &c.schedule));
  c.warmup_epochs = j["warmup_epochs"];
  c.step_size = j["step_size"];
  c.step_gamma = j["step_gamma"];
  c.exp_gamma = j["exp_gamma"];
  REQUIRE(ParseLoss(j["loss"].get<std::string>(), &c.loss));
  c.focal_gamma = j["focal_gamma"];
  c.label_smoothing = j["label_smoothing"];
  REQUIRE(ParseClassWeights(j["class_weights"].get<std::string>(), &c));
  c.hidden = j["hidden"];
  c.seed = j["seed"];
  return c;
}

double Relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-12); }

TEST_CASE("per-epoch losses and final accuracies agree with PyTorch") {
  std::ifstream file(kDir + "reference.json");
  REQUIRE_MESSAGE(file.good(), "run the gen_train_reference test first (ctest -L torch)");
  nlohmann::json reference = nlohmann::json::parse(file);
  REQUIRE(reference.size() >= 6);
  FeatureSet train = LoadSet("train"), val = LoadSet("val");
  const int classes = 5;
  for (const nlohmann::json& item : reference) {
    const nlohmann::json& cfg = item["config"];
    std::string name = cfg["name"];
    CAPTURE(name);
    TrainConfig config = ConfigFrom(cfg);
    std::unique_ptr<Trainer> trainer;
    REQUIRE(Trainer::Create(config, train, val, classes, &trainer));

    // The same start and the same order as the reference.
    io::NpyArray init = Load(name + "_init.npy");
    const Head& head = trainer->head();
    REQUIRE(init.data.size() == head.num_params());
    CHECK(std::equal(init.data.begin(), init.data.end(), head.params()));
    io::NpyArray orders = Load(name + "_orders.npy");
    for (int e = 0; e < config.epochs; ++e) {
      std::vector<uint32_t> order =
          EpochOrder(train.labels, classes, BalanceKind::kNone, config.seed, e);
      CHECK(std::equal(order.begin(), order.end(), orders.data.begin() + long(e * order.size()),
                       [](uint32_t a, float b) { return float(a) == b; }));
    }

    REQUIRE(trainer->Fit());
    const auto& history = trainer->history();
    const nlohmann::json& epochs = item["epochs"];
    REQUIRE(history.size() == epochs.size());
    double worst = 0;
    for (size_t e = 0; e < history.size(); ++e) {
      CAPTURE(e);
      double train_loss = epochs[e]["train_loss"], val_loss = epochs[e]["val_loss"];
      CHECK(Relative(history[e].train_loss, train_loss) <= 1e-4);
      CHECK(Relative(history[e].val_loss, val_loss) <= 1e-4);
      worst = std::max({worst, Relative(history[e].train_loss, train_loss),
                        Relative(history[e].val_loss, val_loss)});
    }
    const nlohmann::json& last = epochs.back();
    CHECK(history.back().train_accuracy == doctest::Approx(double(last["train_accuracy"])));
    CHECK(history.back().val_accuracy == doctest::Approx(double(last["val_accuracy"])));
    MESSAGE(name << ": worst relative loss difference " << worst << ", val accuracy "
                 << history.back().val_accuracy);
  }
}

}  // namespace
}  // namespace frost::train
