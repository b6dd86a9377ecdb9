// Time per epoch of the trainer over cached features: 5,000 x 64 features, 10 classes,
// batch 32, for a linear head and an mlp:256 head, SGD and Adam.
//   frost_train_epoch_bench [samples] [dim] [classes] [epochs] [variant]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "frost/train.hpp"
#include "synthetic_data.hpp"

int main(int argc, char** argv) {
  using namespace frost::train;
  int samples = argc > 1 ? std::atoi(argv[1]) : 5000;
  size_t dim = argc > 2 ? size_t(std::atoi(argv[2])) : 64;
  int classes = argc > 3 ? std::atoi(argv[3]) : 10;
  int epochs = argc > 4 ? std::atoi(argv[4]) : 30;
  const char* only = argc > 5 ? argv[5] : "";  // run the variants whose name contains this
  // One blob set (same class centres) split into training and validation samples.
  int val_per_class = 100;
  FeatureSet all = testing::Blobs(
      std::vector<int>(size_t(classes), samples / classes + val_per_class), dim, 2.0, 1);
  std::vector<size_t> train_idx, val_idx;
  double fraction = double(val_per_class) / double(samples / classes + val_per_class);
  if (!StratifiedSplit(all.labels, classes, fraction, 1, &train_idx, &val_idx)) return 1;
  FeatureSet train = Subset(all, train_idx), val = Subset(all, val_idx);
  struct Variant {
    const char* name;
    OptimizerKind optimizer;
    int hidden;
    double dropout;
  };
  const Variant variants[] = {{"linear sgd", OptimizerKind::kSgd, 0, 0},
                              {"linear adam", OptimizerKind::kAdam, 0, 0},
                              {"mlp:256 adam dropout 0.2", OptimizerKind::kAdam, 256, 0.2}};
  std::printf("%zu x %zu features, %d classes, batch 32, %d epochs (+ %zu validation samples)\n",
              train.size(), dim, classes, epochs, val.size());
  for (const Variant& v : variants) {
    if (std::string(v.name).find(only) == std::string::npos) continue;
    TrainConfig config;
    config.epochs = epochs;
    config.optimizer = v.optimizer;
    config.lr = v.optimizer == OptimizerKind::kSgd ? 0.01 : 0.001;
    config.hidden = v.hidden;
    config.dropout = v.dropout;
    std::unique_ptr<Trainer> trainer;
    if (auto s = Trainer::Create(config, train, val, classes, &trainer); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    if (auto s = trainer->Fit(); !s) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return 1;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const EpochMetrics& last = trainer->history().back();
    // CPU time is what the epoch costs on one core; wall time includes waiting for it on a
    // shared machine.
    std::printf("%-26s %8.3f ms/epoch CPU, %8.3f wall  (val accuracy %.3f)\n", v.name,
                1e3 * cpu / epochs, 1e3 * seconds / epochs, last.val_accuracy);
  }
  return 0;
}
