// Classifier metrics: accuracy, cross-entropy, per-class precision/recall/F1, confusion.
#include <algorithm>
#include <cmath>

#include "frost/eval.hpp"

namespace frost {
namespace {

// True when every row is already a probability distribution (a model ending in Softmax).
bool RowsAreDistributions(const DatasetOutputs& o) {
  for (size_t i = 0; i < o.samples; ++i) {
    const float* row = o.values.data() + i * o.per_sample;
    double sum = 0;
    for (size_t k = 0; k < o.per_sample; ++k) {
      if (row[k] < 0) return false;
      sum += row[k];
    }
    if (std::abs(sum - 1.0) > 1e-3) return false;
  }
  return true;
}

}  // namespace

Status ComputeMetrics(const DatasetOutputs& outputs, const std::vector<int>& labels, Metrics* out) {
  size_t classes = outputs.per_sample;
  if (labels.size() != outputs.samples) {
    return Status::Error("metrics: " + std::to_string(labels.size()) + " labels for " +
                         std::to_string(outputs.samples) + " outputs");
  }
  if (classes == 0) return Status::Error("metrics: the outputs are empty");
  bool probabilities = RowsAreDistributions(outputs);
  Metrics m;
  m.samples = outputs.samples;
  m.confusion.assign(classes, std::vector<size_t>(classes, 0));
  double loss = 0;
  size_t correct = 0;
  for (size_t i = 0; i < outputs.samples; ++i) {
    int y = labels[i];
    if (y < 0 || size_t(y) >= classes) {
      return Status::Error("label " + std::to_string(y) + " of sample " + std::to_string(i) +
                           " is not below the model's " + std::to_string(classes) + " outputs");
    }
    const float* row = outputs.values.data() + i * classes;
    size_t pred = size_t(std::max_element(row, row + classes) - row);
    correct += pred == size_t(y);
    m.confusion[size_t(y)][pred]++;
    if (probabilities) {
      loss -= std::log(std::max(double(row[y]), 1e-12));
    } else {
      double mx = row[pred], sum = 0;
      for (size_t k = 0; k < classes; ++k) sum += std::exp(double(row[k]) - mx);
      loss -= double(row[y]) - mx - std::log(sum);
    }
  }
  m.accuracy = outputs.samples ? double(correct) / double(outputs.samples) : 0;
  m.loss = outputs.samples ? loss / double(outputs.samples) : 0;
  m.classes.resize(classes);
  for (size_t c = 0; c < classes; ++c) {
    size_t tp = m.confusion[c][c], predicted = 0, actual = 0;
    for (size_t k = 0; k < classes; ++k) {
      predicted += m.confusion[k][c];
      actual += m.confusion[c][k];
    }
    ClassMetrics& cm = m.classes[c];
    cm.support = actual;
    cm.precision = predicted ? double(tp) / double(predicted) : 0;
    cm.recall = actual ? double(tp) / double(actual) : 0;
    cm.f1 = cm.precision + cm.recall > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall) : 0;
    m.macro_f1 += cm.f1 / double(classes);
  }
  *out = std::move(m);
  return Status::Ok();
}

}  // namespace frost
