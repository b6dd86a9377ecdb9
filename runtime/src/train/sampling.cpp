// Which samples an epoch visits and in what order; the validation split; class weights.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "frost/train.hpp"
#include "train/rng.hpp"

namespace frost::train {
namespace {

// Sample indices of each class, ascending.
std::vector<std::vector<uint32_t>> IndicesByClass(const std::vector<int>& labels, int num_classes) {
  std::vector<std::vector<uint32_t>> by_class(size_t(std::max(0, num_classes)));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= 0 && labels[i] < num_classes)
      by_class[size_t(labels[i])].push_back(uint32_t(i));
  }
  return by_class;
}

}  // namespace

FeatureSet Subset(const FeatureSet& set, const std::vector<size_t>& indices) {
  FeatureSet out;
  out.dim = set.dim;
  out.features.resize(indices.size() * set.dim);
  out.labels.resize(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    std::memcpy(out.features.data() + k * set.dim, set.features.data() + indices[k] * set.dim,
                set.dim * sizeof(float));
    out.labels[k] = set.labels[indices[k]];
  }
  return out;
}

Status StratifiedSplit(const std::vector<int>& labels, int num_classes, double fraction,
                       uint64_t seed, std::vector<size_t>* train, std::vector<size_t>* val) {
  if (!(fraction >= 0 && fraction < 1)) {
    return Status::Error("--val-split must be in [0, 1), not " + std::to_string(fraction));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      return Status::Error("sample " + std::to_string(i) + " has label " +
                           std::to_string(labels[i]) + ", not in [0, " +
                           std::to_string(num_classes) + ")");
    }
  }
  Rng rng(seed, StreamId(RngStream::kSplit));
  train->clear();
  val->clear();
  for (std::vector<uint32_t>& members : IndicesByClass(labels, num_classes)) {
    if (members.empty()) continue;
    rng.Shuffle(&members);
    size_t n_val = size_t(std::llround(fraction * double(members.size())));
    n_val = std::min(n_val, members.size() - 1);  // every class keeps a training sample
    val->insert(val->end(), members.begin(), members.begin() + long(n_val));
    train->insert(train->end(), members.begin() + long(n_val), members.end());
  }
  std::sort(train->begin(), train->end());
  std::sort(val->begin(), val->end());
  return Status::Ok();
}

std::vector<float> BalancedClassWeights(const std::vector<int>& labels, int num_classes) {
  std::vector<size_t> counts(size_t(std::max(0, num_classes)), 0);
  for (int y : labels) {
    if (y >= 0 && y < num_classes) counts[size_t(y)]++;
  }
  size_t present = 0;
  for (size_t n : counts) present += n > 0;
  std::vector<float> weights(counts.size(), 0.0f);
  for (size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] > 0) {
      weights[c] = float(double(labels.size()) / (double(present) * double(counts[c])));
    }
  }
  return weights;
}

std::vector<uint32_t> EpochOrder(const std::vector<int>& labels, int num_classes,
                                 BalanceKind balance, uint64_t seed, int epoch) {
  Rng rng(seed, StreamId(RngStream::kOrder, uint64_t(epoch)));
  std::vector<uint32_t> order;
  if (balance == BalanceKind::kNone) {
    order.resize(labels.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = uint32_t(i);
    rng.Shuffle(&order);
    return order;
  }
  auto by_class = IndicesByClass(labels, num_classes);
  size_t largest = 0, smallest = SIZE_MAX;
  for (const auto& members : by_class) {
    if (members.empty()) continue;
    largest = std::max(largest, members.size());
    smallest = std::min(smallest, members.size());
  }
  size_t target = balance == BalanceKind::kOversample ? largest : smallest;
  for (std::vector<uint32_t>& members : by_class) {
    if (members.empty()) continue;
    for (size_t whole = 0; whole + members.size() <= target; whole += members.size()) {
      order.insert(order.end(), members.begin(), members.end());
    }
    // The remainder (all of it when undersampling): a random subset of the class.
    size_t rest = target % members.size();
    if (rest > 0) {
      rng.Shuffle(&members);
      order.insert(order.end(), members.begin(), members.begin() + long(rest));
    }
  }
  rng.Shuffle(&order);
  return order;
}

}  // namespace frost::train
