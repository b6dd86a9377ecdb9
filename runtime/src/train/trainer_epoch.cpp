// The training loop: one mini-batch per Step, epoch bookkeeping, early stopping and
// divergence.
#include <cmath>
#include <cstring>
#include <sstream>

#include "train/trainer_impl.hpp"

namespace frost::train {
namespace {

bool AllFinite(const float* values, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) return false;
  }
  return true;
}

}  // namespace

void Trainer::Impl::BeginEpoch() {
  epoch_start = std::chrono::steady_clock::now();
  order = EpochOrder(train.labels, classes, config.balance, config.seed, epoch);
  cursor = 0;
  lr = LearningRate(config, epoch);
  dropout_rng = std::make_unique<Rng>(config.seed, StreamId(RngStream::kDropout, uint64_t(epoch)));
  loss_sum = 0;
  correct = seen = steps = 0;
  in_epoch = true;
}

void Trainer::Impl::Finish(StopReason reason) {
  stop = reason;
  // Early stopping (and divergence) hand back the best epoch's head.
  if (reason != StopReason::kCompleted || config.early_stop > 0) head = best_head;
}

Status Trainer::Impl::Diverged(const std::string& what) {
  Finish(StopReason::kDiverged);
  std::ostringstream message;
  message << "training diverged: " << what << " in epoch " << epoch + 1 << " (lr " << lr << "); ";
  if (best_epoch > 0) {
    message << "kept the head of epoch " << best_epoch << " ("
            << (val.empty() ? "train" : "validation") << " loss " << best_value << ")";
  } else {
    message << "kept the initial head";
  }
  message << ". Try a lower --lr.";
  return Status::Error(message.str());
}

Status Trainer::Step() {
  Impl& s = *impl_;
  if (s.stop != StopReason::kRunning) {
    return Status::Error("training has finished (" + std::to_string(s.epoch) +
                         " epochs); create a new trainer to train again");
  }
  if (!s.in_epoch) s.BeginEpoch();
  s.stepped = true;
  size_t dim = s.train.dim;
  size_t n = std::min(size_t(s.config.batch), s.order.size() - s.cursor);
  // Gather the batch contiguously: every layer then streams through plain rows.
  float* x = s.pass->input();
  for (size_t b = 0; b < n; ++b) {
    uint32_t i = s.order[s.cursor + b];
    std::memcpy(x + b * dim, s.train.features.data() + size_t(i) * dim, dim * sizeof(float));
    s.batch_labels[b] = s.train.labels[i];
  }
  s.pass->DrawMasks(s.dropout_rng.get(), n);
  size_t hits = 0;
  float loss = s.pass->Forward(s.head, n, s.batch_labels.data(), s.loss, &hits);
  if (!std::isfinite(loss)) {
    return s.Diverged(std::string("the loss became ") + (std::isnan(loss) ? "NaN" : "infinite") +
                      " at step " + std::to_string(s.steps + 1));
  }
  std::fill(s.grads.begin(), s.grads.end(), 0.0f);
  s.pass->Backward(s.head, s.grads.data(), n, s.batch_labels.data(), s.loss);
  s.optimizer->Step(s.head.params(), s.grads.data(), s.lr);
  s.loss_sum += double(loss) * double(n);
  s.correct += hits;
  s.seen += n;
  s.steps++;
  s.cursor += n;
  if (s.cursor == s.order.size()) return s.EndEpoch();
  return Status::Ok();
}

Status Trainer::Impl::EndEpoch() {
  in_epoch = false;
  if (!AllFinite(head.params(), head.num_params())) {
    return Diverged("a parameter became infinite or NaN at step " + std::to_string(steps));
  }
  EpochMetrics m;
  m.epoch = epoch + 1;
  m.train_loss = loss_sum / double(seen);
  m.train_accuracy = double(correct) / double(seen);
  m.lr = lr;
  m.steps = steps;
  m.val_loss = m.val_accuracy = std::nan("");
  if (!val.empty()) {
    size_t k = size_t(classes), hits = 0;
    head.Predict(val.features.data(), val.size(), val_logits.data());
    m.val_loss = LossOfLogits(val_scratch.data(), val_logits.data(), val.size(), k,
                              val.labels.data(), loss, &hits);
    m.val_accuracy = double(hits) / double(val.size());
    if (!std::isfinite(m.val_loss)) {
      return Diverged(std::string("the validation loss became ") +
                      (std::isnan(m.val_loss) ? "NaN" : "infinite"));
    }
  }
  double monitored = val.empty() ? m.train_loss : m.val_loss;
  if (monitored < best_value) {
    best_value = monitored;
    best_epoch = m.epoch;
    best_head = head;
    epochs_since_best = 0;
    m.best = true;
  } else {
    epochs_since_best++;
  }
  ++epoch;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
  history.push_back(m);
  if (callback) callback(m);
  if (config.early_stop > 0 && epochs_since_best >= config.early_stop) {
    Finish(StopReason::kEarlyStopped);
  } else if (epoch >= config.epochs) {
    Finish(StopReason::kCompleted);
  }
  return Status::Ok();
}

Status Trainer::RunEpoch() {
  if (impl_->stop != StopReason::kRunning) return Step();  // the "finished" error
  int epoch = impl_->epoch;
  while (impl_->stop == StopReason::kRunning && impl_->epoch == epoch) {
    if (auto s = Step(); !s) return s;
  }
  return Status::Ok();
}

Status Trainer::Fit() {
  while (impl_->stop == StopReason::kRunning) {
    if (auto s = RunEpoch(); !s) return s;
  }
  return Status::Ok();
}

}  // namespace frost::train
