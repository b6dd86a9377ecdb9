#include "run_samples.hpp"

#include <algorithm>

#include "frost/io/npy.hpp"

namespace frost::cli {
namespace {

size_t Product(const std::vector<int64_t>& dims) {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(std::max<int64_t>(d, 0));
  return n;
}

// Splits off the batch dimension of a tensor shaped for `batch` samples.
Status PerSample(const std::string& what, const std::string& name,
                 const std::vector<int64_t>& shape, int64_t batch, std::vector<int64_t>* out) {
  if (shape.empty() || shape[0] != batch) {
    return Status::Error("model " + what + " '" + name + "' has shape " + io::ShapeToString(shape) +
                         " at batch " + std::to_string(batch) +
                         "; frost run needs the batch as the first dimension");
  }
  out->assign(shape.begin() + 1, shape.end());
  return Status::Ok();
}

}  // namespace

Status DescribeSamples(const Model& model, const Session& session, SampleLayout* out) {
  if (model.inputs().empty() || model.outputs().empty()) {
    return Status::Error("model " + model.path() + " has no inputs or no outputs");
  }
  out->polymorphic = model.batch_polymorphic();
  out->stored_batch = model.inputs()[0].shape.empty() ? 1 : model.inputs()[0].shape[0];
  if (out->stored_batch < 1) out->stored_batch = 1;
  out->input_shapes.clear();
  out->output_shapes.clear();
  out->input_elements.clear();
  out->output_elements.clear();
  for (const TensorInfo& input : model.inputs()) {
    std::vector<int64_t> shape;
    if (Status s = PerSample("input", input.name, input.shape, out->stored_batch, &shape); !s) {
      return s;
    }
    out->input_elements.push_back(Product(shape));
    out->input_shapes.push_back(std::move(shape));
  }
  for (size_t j = 0; j < model.outputs().size(); ++j) {
    std::vector<int64_t> shape;
    const std::vector<int64_t> full = session.OutputShape(j, out->stored_batch);
    if (Status s = PerSample("output", model.outputs()[j].name, full, out->stored_batch, &shape);
        !s) {
      return s;
    }
    out->output_elements.push_back(Product(shape));
    out->output_shapes.push_back(std::move(shape));
  }
  return Status::Ok();
}

Status RunSamples(Session& session, const SampleLayout& layout, size_t count, int64_t max_batch,
                  const FillSample& fill, const TakeSample& take, io::Progress* progress) {
  if (count == 0) return Status::Ok();
  const size_t per_call =
      layout.polymorphic
          ? std::min<size_t>(count, static_cast<size_t>(std::max<int64_t>(max_batch, 1)))
          : static_cast<size_t>(layout.stored_batch);
  std::vector<std::vector<float>> inputs(layout.input_elements.size());
  std::vector<std::vector<float>> outputs(layout.output_elements.size());
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i].resize(per_call * layout.input_elements[i]);
  for (size_t j = 0; j < outputs.size(); ++j)
    outputs[j].resize(per_call * layout.output_elements[j]);

  std::vector<float*> sample_in(inputs.size());
  std::vector<const float*> sample_out(outputs.size());
  std::vector<const float*> call_in(inputs.size());
  std::vector<float*> call_out(outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) call_in[i] = inputs[i].data();
  for (size_t j = 0; j < outputs.size(); ++j) call_out[j] = outputs[j].data();

  for (size_t first = 0; first < count; first += per_call) {
    const size_t n = std::min(per_call, count - first);
    for (size_t s = 0; s < n; ++s) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        sample_in[i] = inputs[i].data() + s * layout.input_elements[i];
      }
      if (Status status = fill(first + s, sample_in); !status) return status;
    }
    // A model that runs only its stored batch gets zeros in the unused slots.
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::fill(inputs[i].begin() + n * layout.input_elements[i], inputs[i].end(), 0.0f);
    }
    const int64_t batch = layout.polymorphic ? static_cast<int64_t>(n) : layout.stored_batch;
    if (Status status = session.Run(call_in, batch, call_out); !status) return status;
    for (size_t s = 0; s < n; ++s) {
      for (size_t j = 0; j < outputs.size(); ++j) {
        sample_out[j] = outputs[j].data() + s * layout.output_elements[j];
      }
      if (Status status = take(first + s, sample_out); !status) return status;
    }
    if (progress) progress->Update(first + n);
  }
  return Status::Ok();
}

}  // namespace frost::cli
