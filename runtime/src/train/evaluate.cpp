// A head's accuracy, per-class precision/recall/F1 and confusion matrix on a feature set.
#include "frost/train.hpp"

namespace frost::train {

Status Evaluate(const Head& head, const FeatureSet& set, int num_classes, Metrics* out) {
  if (set.dim != size_t(head.shape().inputs)) {
    return Status::Error("evaluate: the features have " + std::to_string(set.dim) +
                         " values per sample, the head takes " +
                         std::to_string(head.shape().inputs));
  }
  if (num_classes != head.shape().classes) {
    return Status::Error("evaluate: " + std::to_string(num_classes) + " classes, the head has " +
                         std::to_string(head.shape().classes) + " outputs");
  }
  DatasetOutputs outputs;
  outputs.samples = set.size();
  outputs.per_sample = size_t(num_classes);
  outputs.values.resize(outputs.samples * outputs.per_sample);
  head.Predict(set.features.data(), set.size(), outputs.values.data());
  return ComputeMetrics(outputs, set.labels, out);
}

}  // namespace frost::train
