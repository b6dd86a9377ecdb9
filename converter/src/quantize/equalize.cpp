#include "quantize/equalize.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "quantize/calibrate.hpp"

namespace frost::convert {
namespace {

struct Pair {
  size_t a, b;         // node indices: a's output is b's input 0
  std::string between;  // that tensor
};

bool OnlyUse(const Graph& g, const std::string& name) { return g.Consumers(name).size() == 1; }

std::vector<Pair> FindPairs(const Graph& g, const std::vector<size_t>& nodes) {
  const std::set<size_t> quantized(nodes.begin(), nodes.end());
  std::vector<Pair> pairs;
  for (size_t a : nodes) {
    const Node& A = g.nodes[a];
    const std::string& t = A.outputs[0];
    const std::string fused = A.String("fused", "");
    if (!(fused.empty() || fused == "relu") || g.IsProtected(t)) continue;
    const std::vector<size_t> users = g.Consumers(t);
    if (users.size() != 1 || !quantized.count(users[0])) continue;
    const Node& B = g.nodes[users[0]];
    if (B.input(0) != t || B.Int("group", 1) != 1) continue;
    // Weights and bias rewritten here must belong to these two nodes alone.
    if (!OnlyUse(g, A.input(1)) || !OnlyUse(g, B.input(1))) continue;
    if (A.HasInput(2) && !OnlyUse(g, A.input(2))) continue;
    pairs.push_back({a, users[0], t});
  }
  return pairs;
}

}  // namespace

Status EqualizePairs(const ConvertOptions& options, const FileMetadata& meta,
                     const std::vector<size_t>& nodes, Graph& g, size_t* count) {
  const std::vector<Pair> pairs = FindPairs(g, nodes);
  *count = 0;
  if (pairs.empty()) return Status::Ok();
  std::set<std::string> between;
  for (const Pair& p : pairs) between.insert(p.between);
  Calibration measured;
  FROST_CONVERT_TRY(Calibrate(g, meta, options, between, /*histograms=*/false, &measured));
  for (const Pair& p : pairs) {
    Tensor& wa = g.At(g.nodes[p.a].input(1));  // [C, ...]: row c makes channel c
    Tensor& wb = g.At(g.nodes[p.b].input(1));  // [O, ..., C] (OHWI or [O, K]): c is the last dim
    const size_t channels = size_t(wa.shape[0]);
    const std::vector<float>& range = measured.tensors[p.between].channel_max;
    if (range.size() != channels || wb.floats.size() % channels != 0) continue;
    std::vector<double> weight_range(channels, 0.0), scale(channels, 1.0);
    for (size_t i = 0; i < wb.floats.size(); ++i) {
      weight_range[i % channels] = std::max(weight_range[i % channels], double(std::fabs(wb.floats[i])));
    }
    // Dead channels (never positive, or unused by B) keep scale 1. The scales are then
    // normalised to a geometric mean of 1, which keeps the values in their usual magnitude.
    double log_sum = 0;
    size_t live = 0;
    for (size_t c = 0; c < channels; ++c) {
      if (!(range[c] > 0 && weight_range[c] > 0)) continue;
      scale[c] = std::sqrt(double(range[c]) / weight_range[c]);
      log_sum += std::log(scale[c]);
      ++live;
    }
    if (live == 0) continue;
    const double norm = std::exp(log_sum / double(live));
    for (size_t c = 0; c < channels; ++c) {
      if (range[c] > 0 && weight_range[c] > 0) scale[c] /= norm;
    }
    const size_t per_row = wa.floats.size() / channels;
    for (size_t c = 0; c < channels; ++c) {
      for (size_t k = 0; k < per_row; ++k) wa.floats[c * per_row + k] /= float(scale[c]);
    }
    if (g.nodes[p.a].HasInput(2)) {
      Tensor& bias = g.At(g.nodes[p.a].input(2));
      for (size_t c = 0; c < channels; ++c) bias.floats[c] /= float(scale[c]);
    }
    for (size_t i = 0; i < wb.floats.size(); ++i) wb.floats[i] *= float(scale[i % channels]);
    ++*count;
  }
  return Status::Ok();
}

}  // namespace frost::convert
