// Batched inference over a data set.
#include <algorithm>

#include "frost/eval.hpp"

namespace frost {

Status RunDataset(Session& session, const Model& model, const data::Dataset& data, int batch,
                  DatasetOutputs* out, const std::string& tensor, const ProgressFn& progress) {
  if (data.size() == 0) return Status::Error("the data set is empty");
  if (model.inputs().size() != 1) {
    return Status::Error("running a data set needs a model with one input; this one has " +
                         std::to_string(model.inputs().size()));
  }
  int64_t stored_batch = model.inputs()[0].shape.empty() ? 1 : model.inputs()[0].shape[0];
  int64_t step = model.batch_polymorphic() ? std::max(1, batch) : std::max<int64_t>(1, stored_batch);
  std::vector<int64_t> shape =
      tensor.empty() ? session.OutputShape(0, 1) : session.TensorShape(tensor, 1);
  if (shape.empty()) return Status::Error("the model has no tensor named '" + tensor + "'");
  size_t per_sample = 1;
  for (size_t d = 1; d < shape.size(); ++d) per_sample *= size_t(shape[d]);
  size_t in_per_sample = data.sample_elements();
  out->samples = data.size();
  out->per_sample = per_sample;
  out->values.assign(data.size() * per_sample, 0.0f);
  std::vector<float> input(size_t(step) * in_per_sample);
  std::vector<float> output(size_t(step) * per_sample);
  for (size_t begin = 0; begin < data.size(); begin += size_t(step)) {
    size_t n = std::min<size_t>(size_t(step), data.size() - begin);
    // A model fixed to a batch > 1 gets its last batch padded with copies of the last sample.
    size_t run_n = model.batch_polymorphic() ? n : size_t(step);
    for (size_t k = 0; k < run_n; ++k) {
      size_t i = begin + std::min(k, n - 1);
      if (auto s = data.Get(i, input.data() + k * in_per_sample); !s) return s;
    }
    Status s = tensor.empty()
                   ? session.Run(input.data(), int64_t(run_n), output.data())
                   : session.RunTo(input.data(), int64_t(run_n), tensor, output.data());
    if (!s) return Status::Error("samples " + std::to_string(begin) + ".." +
                                 std::to_string(begin + n - 1) + " (" + data.Describe(begin) +
                                 "): " + s.message());
    std::copy(output.begin(), output.begin() + n * per_sample,
              out->values.begin() + begin * per_sample);
    if (progress) progress(begin + n, data.size());
  }
  return Status::Ok();
}

}  // namespace frost
