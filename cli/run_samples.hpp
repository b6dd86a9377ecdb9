// Running any number of samples through a session, whatever batch the model was stored
// with: batch-polymorphic models take up to `max_batch` samples per call; the others run
// their stored batch per call, the last call padded with zeros.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "frost/frost.hpp"
#include "frost/io/progress.hpp"

namespace frost::cli {

// What one sample is, for each model input and output (the batch dimension removed).
struct SampleLayout {
  int64_t stored_batch = 1;
  bool polymorphic = true;
  std::vector<std::vector<int64_t>> input_shapes;   // per input, without the batch dim
  std::vector<std::vector<int64_t>> output_shapes;  // per output, without the batch dim
  std::vector<size_t> input_elements;
  std::vector<size_t> output_elements;
};

// Fails if an input or output has no leading batch dimension.
Status DescribeSamples(const Model& model, const Session& session, SampleLayout* out);

// Writes sample `index`'s input i into inputs[i] (input_elements[i] floats each).
using FillSample = std::function<Status(size_t index, const std::vector<float*>& inputs)>;
// Receives sample `index`'s output j in outputs[j] (output_elements[j] floats each).
using TakeSample = std::function<Status(size_t index, const std::vector<const float*>& outputs)>;

Status RunSamples(Session& session, const SampleLayout& layout, size_t count, int64_t max_batch,
                  const FillSample& fill, const TakeSample& take, io::Progress* progress);

}  // namespace frost::cli
