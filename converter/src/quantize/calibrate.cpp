#include "quantize/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "frost/data.hpp"
#include "frost/eval.hpp"

namespace frost::convert {
namespace {

// The float model in 64-byte aligned memory, as Model::FromBytes wants it.
Status LoadInMemory(const Graph& graph, const FileMetadata& meta,
                    std::shared_ptr<const Model>* out) {
  std::vector<uint8_t> bytes;
  FROST_CONVERT_TRY(WriteFrost(graph, meta, [&](const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + size);
    return Status::Ok();
  }));
  void* memory = std::aligned_alloc(64, (bytes.size() + 63) / 64 * 64);
  if (memory == nullptr) return Status::Error("out of memory loading the model for calibration");
  std::memcpy(memory, bytes.data(), bytes.size());
  std::shared_ptr<const uint8_t> owned(static_cast<const uint8_t*>(memory),
                                       [](const uint8_t* p) { std::free(const_cast<uint8_t*>(p)); });
  if (Status s = Model::FromBytes(std::move(owned), bytes.size(), out); !s) {
    return Status::Error("internal error: the model does not load for calibration: " +
                         s.message());
  }
  return Status::Ok();
}

// `model` with a session on all cores, as calibration runs it.
Status OpenSession(const std::shared_ptr<const Model>& model, std::unique_ptr<Session>* out) {
  SessionOptions options;
  options.threads = 0;
  return Session::Create(model, options, out);
}

// Up to `count` samples, round robin over the classes in data set order.
std::vector<size_t> EvenlyOverClasses(const data::Dataset& d, size_t count) {
  std::map<int, std::vector<size_t>> by_class;
  for (size_t i = 0; i < d.size(); ++i) by_class[d.label(i)].push_back(i);
  std::vector<size_t> chosen;
  for (size_t k = 0; chosen.size() < std::min(count, d.size()); ++k) {
    for (const auto& [label, indices] : by_class) {
      if (k < indices.size() && chosen.size() < count) chosen.push_back(indices[k]);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// A data set held in memory, decoded and preprocessed once: calibration runs its samples
// several times (ranges, histograms, and the versions of the graph mixed precision tries).
class InMemoryDataset : public data::Dataset {
 public:
  static Status Copy(const data::Dataset& from, std::shared_ptr<const data::Dataset>* out) {
    auto copy = std::make_shared<InMemoryDataset>();
    copy->elements_ = from.sample_elements();
    copy->values_.resize(from.size() * copy->elements_);
    for (size_t i = 0; i < from.size(); ++i) {
      FROST_CONVERT_TRY(from.Get(i, copy->values_.data() + i * copy->elements_));
      copy->labels_.push_back(from.label(i));
      copy->names_.push_back(from.Describe(i));
    }
    copy->set_class_names(from.class_names());
    *out = std::move(copy);
    return Status::Ok();
  }
  size_t size() const override { return labels_.size(); }
  int label(size_t i) const override { return labels_[i]; }
  Status Get(size_t i, float* out) const override {
    std::memcpy(out, values_.data() + i * elements_, elements_ * sizeof(float));
    return Status::Ok();
  }
  std::string Describe(size_t i) const override { return names_[i]; }
  size_t sample_elements() const override { return elements_; }

 private:
  size_t elements_ = 0;
  std::vector<float> values_;
  std::vector<int> labels_;
  std::vector<std::string> names_;
};

}  // namespace

void Distribution::AddToRange(const float* values, size_t count, size_t channels) {
  channel_sums.resize(channels, 0.0);
  channel_max.resize(channels, 0.0f);
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) continue;
    channel_sums[i % channels] += values[i];
    channel_max[i % channels] = std::max(channel_max[i % channels], std::fabs(values[i]));
  }
  per_channel += double(count / channels);
  float lo = min, hi = max;
  for (size_t i = 0; i < count; ++i) {
    const float v = values[i];
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  min = lo;
  max = hi;
}

void Distribution::AddToHistogram(const float* values, size_t count) {
  if (!seen()) return;
  counts.resize(kBins, 0.0);
  const double width = bin_width();
  for (size_t i = 0; i < count; ++i) {
    const float v = values[i];
    if (!std::isfinite(v)) continue;
    if (v == 0.0f) {
      zeros += 1;
      continue;
    }
    const double bin = width > 0 ? (double(v) - double(min)) / width : 0.0;
    counts[std::min(size_t(std::max(bin, 0.0)), kBins - 1)] += 1;
  }
}

double Distribution::Quantile(double q) const {
  double total = zeros;
  for (double c : counts) total += c;
  const double target = q * total;
  // The bin that holds 0, where the exact zeros count.
  const double zero_bin = bin_width() > 0 ? -double(min) / bin_width() : 0;
  double below = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    below += counts[i] + (size_t(std::max(zero_bin, 0.0)) == i ? zeros : 0);
    if (below >= target) return bin_center(i);
  }
  return max;
}

Status Calibrate(const Graph& graph, const FileMetadata& meta, const ConvertOptions& options,
                 const std::set<std::string>& tensors, bool histograms, Calibration* out,
                 const TensorObserver& also) {
  if (options.calibration.empty()) {
    return Status::Error("--quantize int8 needs calibration data (--calibration DIR): images "
                         "like the ones the model will see, to measure activation ranges");
  }
  if (options.calibration_images == 0) return Status::Error("--calibration-images must be at least 1");
  std::shared_ptr<const Model> model;
  FROST_CONVERT_TRY(LoadInMemory(graph, meta, &model));
  data::InputSpec spec;
  if (Status s = data::InputSpecOf(*model, &spec); !s) {
    return Status::Error("calibration: the model input is not an image (" + s.message() + ")");
  }
  std::unique_ptr<data::Dataset> opened;
  if (Status s = data::Open(options.calibration, spec, &opened); !s) {
    return Status::Error("--calibration: " + s.message());
  }
  std::shared_ptr<const data::Dataset> all(std::move(opened));
  if (all->size() == 0) {
    return Status::Error("--calibration: '" + options.calibration + "' holds no samples");
  }
  std::shared_ptr<const data::Dataset> chosen;
  if (Status s = InMemoryDataset::Copy(
          *data::Select(all, EvenlyOverClasses(*all, options.calibration_images)), &chosen);
      !s) {
    return Status::Error("--calibration: " + s.message());
  }

  std::unique_ptr<Session> session;
  FROST_CONVERT_TRY(OpenSession(model, &session));
  Calibration result;
  for (const std::string& name : tensors) result.tensors[name];
  for (bool histogram : {false, true}) {
    if (histogram && !histograms) break;
    session->SetObserver([&](const std::string& name, const std::vector<int64_t>& shape,
                             const float* data) {
      if (!histogram && also) also(name, shape, data);
      auto it = result.tensors.find(name);
      if (it == result.tensors.end()) return;
      size_t count = 1;
      for (int64_t d : shape) count *= size_t(d);
      if (histogram) {
        it->second.AddToHistogram(data, count);
      } else {
        it->second.AddToRange(data, count, shape.empty() ? 1 : size_t(shape.back()));
      }
    });
    DatasetOutputs outputs;
    if (Status s = RunDataset(*session, *model, *chosen, 32, &outputs); !s) {
      return Status::Error("calibration: " + s.message());
    }
  }
  result.images = chosen->size();
  result.samples = std::move(chosen);
  *out = std::move(result);
  return Status::Ok();
}

Status RunOnSamples(const Graph& graph, const FileMetadata& meta, const data::Dataset& samples,
                    DatasetOutputs* out) {
  std::shared_ptr<const Model> model;
  FROST_CONVERT_TRY(LoadInMemory(graph, meta, &model));
  std::unique_ptr<Session> session;
  FROST_CONVERT_TRY(OpenSession(model, &session));
  if (Status s = RunDataset(*session, *model, samples, 32, out); !s) {
    return Status::Error("calibration: " + s.message());
  }
  return Status::Ok();
}

}  // namespace frost::convert
