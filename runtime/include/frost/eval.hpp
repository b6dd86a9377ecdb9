// Running a model over a whole data set, and the metrics of a classifier.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "frost/data.hpp"
#include "frost/frost.hpp"

namespace frost {

// Called after each batch with (samples done, total).
using ProgressFn = std::function<void(size_t, size_t)>;

struct DatasetOutputs {
  size_t samples = 0;
  size_t per_sample = 0;     // floats per sample
  std::vector<float> values;  // samples x per_sample
};

// Runs every sample of `data` through `session` in batches of `batch` (one sample at a
// time for a model that is not batch polymorphic) and collects output 0, or the tensor
// `tensor` (e.g. the feature tensor) when it is not empty.
Status RunDataset(Session& session, const Model& model, const data::Dataset& data, int batch,
                  DatasetOutputs* out, const std::string& tensor = "",
                  const ProgressFn& progress = nullptr);

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  size_t support = 0;  // samples whose true class this is
};

struct Metrics {
  size_t samples = 0;
  double accuracy = 0;  // top-1, in [0, 1]
  double loss = 0;      // mean cross-entropy of softmax(outputs) (outputs taken as logits,
                        // or as probabilities when every row already sums to 1)
  std::vector<ClassMetrics> classes;
  std::vector<std::vector<size_t>> confusion;  // [true][predicted]
  double macro_f1 = 0;
};

// Metrics of `outputs` (samples x classes scores) against `labels`; an error if a label is
// not below the number of classes.
Status ComputeMetrics(const DatasetOutputs& outputs, const std::vector<int>& labels, Metrics* out);

}  // namespace frost
