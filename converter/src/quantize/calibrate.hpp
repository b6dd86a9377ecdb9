// Calibration for int8: the float model, as the converter would write it, runs on sample
// images in the runtime, and the values every tensor of interest takes are recorded: range
// and per-channel statistics in a first pass, a histogram over that range in a second.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "frost/convert.hpp"
#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "ir.hpp"
#include "writer.hpp"

namespace frost::convert {

// The finite values one tensor took over the calibration samples.
struct Distribution {
  static constexpr size_t kBins = 2048;
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  // Per channel (the last physical dim: C of NHWC, K of [N, K]).
  std::vector<double> channel_sums;
  std::vector<float> channel_max;  // largest |value|
  double per_channel = 0;          // values summed into each channel_sums entry
  // Second pass: kBins equal bins over [min, max]; exact zeros (ReLU outputs hold many, and
  // 0 is on every grid) are counted apart.
  std::vector<double> counts;
  double zeros = 0;

  bool seen() const { return min <= max; }
  double channel_mean(size_t c) const { return per_channel > 0 ? channel_sums[c] / per_channel : 0; }
  double bin_width() const { return (double(max) - double(min)) / double(kBins); }
  double bin_center(size_t i) const { return double(min) + (double(i) + 0.5) * bin_width(); }
  // The value below which a fraction `q` of all values lie (histogram resolution).
  double Quantile(double q) const;

  void AddToRange(const float* values, size_t count, size_t channels);
  void AddToHistogram(const float* values, size_t count);
};

struct Calibration {
  std::map<std::string, Distribution> tensors;  // per tensor name asked for
  size_t images = 0;                            // samples run
  // The samples, decoded and preprocessed once, to run other versions of the graph on.
  std::shared_ptr<const data::Dataset> samples;
};

// Writes `graph` (float, after the passes) with `meta` to memory, loads it, opens
// options.calibration with the preprocessing recorded in `meta`, takes up to
// options.calibration_images samples spread evenly over the classes (the first ones of each
// class, round robin), and runs them to record the distributions of `tensors`: one pass for
// ranges and channel statistics, a second for the histograms if `histograms`. `also`, if
// set, sees every tensor of the first pass too (as Session::SetObserver's observer does).
Status Calibrate(const Graph& graph, const FileMetadata& meta, const ConvertOptions& options,
                 const std::set<std::string>& tensors, bool histograms, Calibration* out,
                 const TensorObserver& also = nullptr);

// Runs `graph` (as the converter would write it, with `meta`) on every one of `samples` and
// collects the model's output 0.
Status RunOnSamples(const Graph& graph, const FileMetadata& meta, const data::Dataset& samples,
                    DatasetOutputs* out);

}  // namespace frost::convert
