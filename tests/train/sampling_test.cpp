// Epoch orders (shuffle, oversampling, undersampling), the stratified validation split,
// class weights and the learning-rate schedules.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "frost/train.hpp"

namespace frost::train {
namespace {

// 3 classes with 10, 4 and 1 samples, interleaved.
std::vector<int> ImbalancedLabels() {
  std::vector<int> labels;
  for (int i = 0; i < 10; ++i) labels.push_back(0);
  for (int i = 0; i < 4; ++i) labels.push_back(1);
  labels.push_back(2);
  std::rotate(labels.begin(), labels.begin() + 7, labels.end());
  return labels;
}

std::map<int, int> ClassCounts(const std::vector<uint32_t>& order, const std::vector<int>& labels) {
  std::map<int, int> counts;
  for (uint32_t i : order) counts[labels[i]]++;
  return counts;
}

TEST_CASE("without balancing an epoch is a seeded permutation, different per epoch") {
  std::vector<int> labels = ImbalancedLabels();
  auto e0 = EpochOrder(labels, 3, BalanceKind::kNone, 1, 0);
  auto e1 = EpochOrder(labels, 3, BalanceKind::kNone, 1, 1);
  CHECK(e0 == EpochOrder(labels, 3, BalanceKind::kNone, 1, 0));
  CHECK(e0 != e1);
  CHECK(e0 != EpochOrder(labels, 3, BalanceKind::kNone, 2, 0));
  std::vector<uint32_t> sorted = e0;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < sorted.size(); ++i) CHECK(sorted[i] == i);
}

TEST_CASE("oversampling brings every class to the largest count, keeping every sample") {
  std::vector<int> labels = ImbalancedLabels();
  auto order = EpochOrder(labels, 3, BalanceKind::kOversample, 4, 0);
  CHECK(order.size() == 30);
  CHECK(ClassCounts(order, labels) == std::map<int, int>{{0, 10}, {1, 10}, {2, 10}});
  // class 1 (4 samples) is repeated twice whole, plus 2 distinct: each 2 or 3 times
  std::map<uint32_t, int> times;
  for (uint32_t i : order) times[i]++;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 1) CHECK((times[uint32_t(i)] == 2 || times[uint32_t(i)] == 3));
    if (labels[i] == 0) CHECK(times[uint32_t(i)] == 1);
  }
}

TEST_CASE("undersampling cuts every class to the smallest present class") {
  std::vector<int> labels = ImbalancedLabels();
  // 4 classes declared, class 3 absent: ignored
  auto order = EpochOrder(labels, 4, BalanceKind::kUndersample, 4, 0);
  CHECK(ClassCounts(order, labels) == std::map<int, int>{{0, 1}, {1, 1}, {2, 1}});
  auto other = EpochOrder(labels, 4, BalanceKind::kUndersample, 4, 1);
  CHECK(ClassCounts(other, labels) == ClassCounts(order, labels));
}

TEST_CASE("the stratified split keeps class proportions and is seeded") {
  std::vector<int> labels;
  for (int i = 0; i < 100; ++i) labels.push_back(i % 4 == 0 ? 1 : 0);  // 75 / 25
  labels.push_back(2);  // a class of one stays in training
  std::vector<size_t> train, val, train2, val2;
  REQUIRE(StratifiedSplit(labels, 3, 0.2, 9, &train, &val));
  CHECK(val.size() == 20);  // 15 + 5 + 0
  CHECK(train.size() == 81);
  int val_ones = 0;
  for (size_t i : val) val_ones += labels[i] == 1;
  CHECK(val_ones == 5);
  CHECK(std::is_sorted(val.begin(), val.end()));
  REQUIRE(StratifiedSplit(labels, 3, 0.2, 9, &train2, &val2));
  CHECK(val2 == val);
  REQUIRE(StratifiedSplit(labels, 3, 0.2, 10, &train2, &val2));
  CHECK(val2 != val);
  CHECK_FALSE(StratifiedSplit(labels, 3, 1.5, 9, &train, &val));
  Status bad = StratifiedSplit({0, 5}, 3, 0.2, 9, &train, &val);
  CHECK(bad.message().find("label 5") != std::string::npos);
}

TEST_CASE("balanced class weights are n / (classes present * count)") {
  std::vector<float> w = BalancedClassWeights(ImbalancedLabels(), 4);
  // 15 samples, 3 classes present
  CHECK(w[0] == doctest::Approx(15.0 / 30));
  CHECK(w[1] == doctest::Approx(15.0 / 12));
  CHECK(w[2] == doctest::Approx(15.0 / 3));
  CHECK(w[3] == 0.0f);
}

TEST_CASE("Subset copies rows and labels in the given order") {
  FeatureSet set{2, {0, 1, 10, 11, 20, 21}, {0, 1, 2}};
  FeatureSet sub = Subset(set, {2, 0});
  CHECK(sub.features == std::vector<float>{20, 21, 0, 1});
  CHECK(sub.labels == std::vector<int>{2, 0});
}

TEST_CASE("learning-rate schedules follow the documented formulas") {
  TrainConfig c;
  c.lr = 0.1;
  c.epochs = 10;
  CHECK(LearningRate(c, 7) == 0.1);
  c.schedule = ScheduleKind::kStep;  // step size max(1, 10 / 3) = 3, gamma 0.1
  CHECK(LearningRate(c, 2) == doctest::Approx(0.1));
  CHECK(LearningRate(c, 3) == doctest::Approx(0.01));
  CHECK(LearningRate(c, 9) == doctest::Approx(0.0001));
  c.schedule = ScheduleKind::kExponential;
  CHECK(LearningRate(c, 2) == doctest::Approx(0.1 * 0.81));
  c.schedule = ScheduleKind::kCosine;
  CHECK(LearningRate(c, 0) == doctest::Approx(0.1));
  CHECK(LearningRate(c, 5) == doctest::Approx(0.05));
  CHECK(LearningRate(c, 9) == doctest::Approx(0.05 * (1 + std::cos(std::numbers::pi * 0.9))));
  c.warmup_epochs = 2;  // lr/10, then 0.55 lr, then cosine over the 8 remaining epochs
  CHECK(LearningRate(c, 0) == doctest::Approx(0.01));
  CHECK(LearningRate(c, 1) == doctest::Approx(0.055));
  CHECK(LearningRate(c, 2) == doctest::Approx(0.1));
  CHECK(LearningRate(c, 6) == doctest::Approx(0.05));
}

}  // namespace
}  // namespace frost::train
