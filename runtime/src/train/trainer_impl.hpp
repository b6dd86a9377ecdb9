// The trainer's state: data, head, gradients, optimiser, the batch workspace, the epoch in
// progress and the best head so far.
#pragma once

#include <chrono>
#include <limits>
#include <memory>
#include <vector>

#include "frost/train.hpp"
#include "train/head_pass.hpp"
#include "train/optimizer.hpp"
#include "train/rng.hpp"

namespace frost::train {

struct Trainer::Impl {
  TrainConfig config;
  int classes = 0;
  FeatureSet train, val;
  std::vector<float> class_weights;
  LossSettings loss;

  Head head;
  Head best_head;            // the best epoch's (initially the starting head)
  std::vector<float> grads;  // one allocation, laid out like head.params()
  std::unique_ptr<Optimizer> optimizer;
  std::unique_ptr<HeadPass> pass;
  std::vector<int> batch_labels;
  std::vector<float> val_logits, val_scratch;
  EpochCallback callback;

  // The epoch in progress.
  int epoch = 0;  // from 0; equals the epochs completed between epochs
  bool in_epoch = false;
  std::vector<uint32_t> order;
  size_t cursor = 0;
  std::unique_ptr<Rng> dropout_rng;
  double lr = 0;
  double loss_sum = 0;  // sum of batch loss * batch size
  size_t correct = 0, seen = 0, steps = 0;
  std::chrono::steady_clock::time_point epoch_start;

  // Results.
  std::vector<EpochMetrics> history;
  double best_value = std::numeric_limits<double>::infinity();
  int best_epoch = 0;
  int epochs_since_best = 0;
  StopReason stop = StopReason::kRunning;
  bool stepped = false;

  void BeginEpoch();
  Status EndEpoch();
  Status Diverged(const std::string& what);
  void Finish(StopReason reason);
};

}  // namespace frost::train
