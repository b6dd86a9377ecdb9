#include "quantize/quantize_int8.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "quantize/equalize.hpp"
#include "quantize/mixed_precision.hpp"
#include "quantize/range.hpp"
#include "quantize/weight_rounding.hpp"

namespace frost::convert {
namespace {

bool IsQuantizable(const Node& n) { return n.op == "Conv" || n.op == "FullyConnected"; }

// The classifier: its output is a graph output, or goes only into a Softmax that is one.
bool IsClassifier(const Graph& g, const Node& n) {
  const std::string& out = n.outputs[0];
  if (g.IsGraphOutput(out)) return true;
  const std::vector<size_t> users = g.Consumers(out);
  if (users.size() != 1) return false;
  const Node& user = g.nodes[users[0]];
  return (user.op == "Softmax" || user.op == "LogSoftmax") && g.IsGraphOutput(user.outputs[0]);
}

// Nodes that get INT8 weights (see quantize_int8.hpp): a float constant weight read only as
// the weight (input 1) of Conv / FullyConnected nodes, not the stem, not the classifier.
std::vector<size_t> Candidates(const Graph& g) {
  std::vector<size_t> nodes;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (!IsQuantizable(n) || !g.IsConstant(n.input(1))) continue;
    const Tensor& w = *g.Find(n.input(1));
    if (w.dtype != DType::kFloat || g.IsGraphOutput(n.input(1))) continue;
    if (n.op == "Conv" && n.Int("group", 1) == 1 && w.shape.back() < 8) continue;
    if (IsClassifier(g, n)) continue;
    bool only_weight = true;
    for (size_t c : g.Consumers(n.input(1))) {
      const Node& user = g.nodes[c];
      only_weight &= IsQuantizable(user) && user.input(0) != n.input(1) && user.input(2) != n.input(1);
    }
    if (only_weight) nodes.push_back(i);
  }
  return nodes;
}

// Bias correction: the rounded weights w_q * s change the output of channel o on average by
// sum_k (w_q - w)[o, k] * E[x of k's input channel]; the bias takes that back. (Padding
// makes the mean at the borders smaller; the correction ignores it.)
void CorrectBias(Graph& g, Node& n, const Tensor& weight, const Quantization& q,
                 const Distribution& input) {
  const size_t out_channels = size_t(weight.shape[0]);
  const size_t per_channel = weight.int8s.size() / out_channels;
  const size_t in_channels = input.channel_sums.size();
  const size_t groups = n.op == "Conv" ? size_t(n.Int("group", 1)) : 1;
  const size_t group_in = size_t(weight.shape.back());  // OHWI / [O, K]: the input channels
  if (group_in * groups != in_channels || per_channel % group_in != 0) return;
  const size_t group_out = out_channels / groups;
  std::vector<float> shift(out_channels, 0.0f);
  for (size_t o = 0; o < out_channels; ++o) {
    const size_t first = (o / group_out) * group_in;
    double change = 0;
    for (size_t k = 0; k < per_channel; ++k) {
      const size_t i = o * per_channel + k;
      const double error = double(weight.int8s[i]) * q.scales[o] - double(weight.floats[i]);
      change += error * input.channel_mean(first + k % group_in);
    }
    shift[o] = float(-change);
  }
  if (!n.HasInput(2)) {
    const std::string bias = g.AddConstant(n.input(1) + "/bias", {int64_t(out_channels)}, shift).name;
    n.inputs.resize(3);
    n.inputs[2] = bias;
    return;
  }
  Tensor& bias = g.At(n.input(2));
  for (size_t o = 0; o < out_channels; ++o) bias.floats[o] += shift[o];
}

// Node `node` of `to` made as it is in `from`: its inputs, weight and bias. (A weight shared
// with other nodes changes for them too.)
void TakeNode(const Graph& from, size_t node, Graph& to) {
  const Node& n = from.nodes[node];
  to.nodes[node].inputs = n.inputs;
  for (size_t k = 1; k < 3; ++k) {
    if (n.HasInput(k)) to.At(n.input(k)) = *from.Find(n.input(k));
  }
}

// Multiply-adds of a Conv / FullyConnected node per sample (0 if its output shape is unknown).
double MultiplyAdds(const Graph& g, const Node& n) {
  const Tensor* w = g.Find(n.input(1));
  const Tensor* y = g.Find(n.outputs[0]);
  if (w == nullptr || y == nullptr || w->shape.empty() || y->shape.empty()) return 0;
  double outputs = 1;
  for (int64_t d : y->shape) outputs *= double(std::max<int64_t>(d, 1));
  return outputs * double(w->elements()) / double(std::max<int64_t>(w->shape[0], 1));
}

std::string Percent(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f %%", value);
  return text;
}

// Keeps the ops of `nodes` float (as in `float_graph`) that mixed_precision.hpp chooses, in
// the quantized `g`; says which and the agreement reached in `report` and `log`.
Status KeepSensitiveOpsFloat(const ConvertOptions& options, const FileMetadata& meta,
                             const Graph& float_graph, const std::vector<size_t>& nodes,
                             const data::Dataset& samples, Graph& g, ConvertReport* report,
                             std::vector<std::string>* log) {
  DatasetOutputs reference;
  FROST_CONVERT_TRY(RunOnSamples(float_graph, meta, samples, &reference));
  if (reference.per_sample < 2) {
    log->push_back("quantize int8: the model output has one value per sample, no top-1 to "
                   "compare: every candidate op int8 (--int8-min-agreement ignored)");
    return Status::Ok();
  }
  const EvaluateMix evaluate = [&](const std::vector<bool>& int8, DatasetOutputs* out) {
    Graph mix = float_graph;
    for (size_t c = 0; c < nodes.size(); ++c) {
      if (int8[c]) TakeNode(g, nodes[c], mix);
    }
    mix.RemoveUnusedTensors();
    return RunOnSamples(mix, meta, samples, out);
  };
  MixedPrecisionChoice choice;
  FROST_CONVERT_TRY(
      ChooseFloatOps(nodes.size(), options.int8_min_agreement, reference, evaluate, &choice));
  double all = 0, kept = 0;
  for (const Node& n : g.nodes) all += IsQuantizable(n) ? MultiplyAdds(float_graph, n) : 0;
  std::string names;
  for (size_t c : choice.kept_float) {
    const Node& n = float_graph.nodes[nodes[c]];
    kept += MultiplyAdds(float_graph, n);
    report->float_ops.push_back(n.outputs[0]);
    names += (names.empty() ? "" : ", ") + n.outputs[0];
  }
  for (size_t c : choice.kept_float) TakeNode(float_graph, nodes[c], g);
  g.RemoveUnusedTensors();
  report->all_int8_agreement = choice.all_int8_agreement;
  report->calibration_agreement = choice.agreement;
  report->agreement_measured = true;
  std::string line = "quantize int8: top-1 agreement with float on the calibration samples " +
                     Percent(choice.all_int8_agreement) + " with every candidate int8";
  if (choice.kept_float.empty()) {
    line += " (target " + Percent(options.int8_min_agreement) + "): no op kept float";
  } else {
    line += ", below the target " + Percent(options.int8_min_agreement) + "; " +
            std::to_string(choice.kept_float.size()) + " of " + std::to_string(nodes.size()) +
            " kept float, most sensitive first (" + names + "; " +
            Percent(all > 0 ? 100.0 * kept / all : 0) + " of the Conv/FullyConnected "
            "multiply-adds): " + Percent(choice.agreement);
  }
  log->push_back(line);
  if (!choice.sensitivities.empty()) {
    std::string each;
    for (const OpSensitivity& op : choice.sensitivities) {
      char numbers[64];
      std::snprintf(numbers, sizeof numbers, " %.2f %% (%.2g)", op.agreement, op.error);
      each += (each.empty() ? "" : ", ") + float_graph.nodes[nodes[op.candidate]].outputs[0] + numbers;
    }
    log->push_back("quantize int8: top-1 agreement (relative squared output error) with only "
                   "that op int8: " + each);
  }
  return Status::Ok();
}

}  // namespace

Quantization ActivationGrid(float min, float max) {
  const double lo = std::min<double>(min, 0.0), hi = std::max<double>(max, 0.0);
  // A tensor that was 0 throughout still needs a valid grid.
  const double scale = hi > lo ? (hi - lo) / 255.0 : 1.0 / 255.0;
  const double zero_point = std::clamp(std::nearbyint(-128.0 - lo / scale), -128.0, 127.0);
  Quantization q;
  q.scales = {float(scale)};
  q.zero_points = {int64_t(zero_point)};
  q.axis = -1;
  return q;
}

void QuantizeWeight(const Tensor& weight, std::vector<int8_t>* q, Quantization* quantization) {
  const int64_t channels = weight.shape[0];
  const size_t per_channel = weight.floats.size() / size_t(channels);
  quantization->scales.assign(size_t(channels), 1.0f);
  quantization->zero_points.assign(size_t(channels), 0);
  quantization->axis = 0;
  q->resize(weight.floats.size());
  for (int64_t o = 0; o < channels; ++o) {
    const float* w = weight.floats.data() + size_t(o) * per_channel;
    float largest = 0;
    for (size_t k = 0; k < per_channel; ++k) largest = std::max(largest, std::fabs(w[k]));
    const float scale = largest > 0 ? largest / 127.0f : 1.0f;
    quantization->scales[o] = scale;
    for (size_t k = 0; k < per_channel; ++k) {
      const float v = std::nearbyint(w[k] / scale);
      (*q)[size_t(o) * per_channel + k] = int8_t(std::clamp(v, -127.0f, 127.0f));
    }
  }
}

Status QuantizeInt8(const ConvertOptions& options, const FileMetadata& meta, Graph& g,
                    ConvertReport* report, std::vector<std::string>* log) {
  if (!(options.int8_min_agreement >= 0 && options.int8_min_agreement <= 100)) {
    return Status::Error("--int8-min-agreement must be a percent in [0, 100]");
  }
  if (!(options.calibration_percentile > 50 && options.calibration_percentile <= 100)) {
    return Status::Error("--calibration-percentile must be in (50, 100]");
  }
  if (options.calibration_range != "mse" && options.calibration_range != "percentile") {
    return Status::Error("--calibration-range must be mse or percentile, not '" + options.calibration_range + "'");
  }
  if (options.weight_rounding != "gptq" && options.weight_rounding != "nearest") {
    return Status::Error("--weight-rounding must be gptq or nearest, not '" + options.weight_rounding + "'");
  }
  const std::vector<size_t> nodes = Candidates(g);
  size_t pairs = 0;
  FROST_CONVERT_TRY(EqualizePairs(options, meta, nodes, g, &pairs));
  std::set<std::string> activations;
  for (size_t i : nodes) {
    activations.insert(g.nodes[i].input(0));
    activations.insert(g.nodes[i].outputs[0]);
  }
  // The input statistics of every node whose weights are rounded with error feedback (GPTQ),
  // by the tensor they read, gathered during the calibration run. Patches per node are
  // capped so that accumulating E[x x^T] (K^2 / 2 per patch) stays near 5e8 multiply-adds.
  std::map<std::string, std::vector<std::pair<size_t, InputMoments>>> moments;
  const bool feedback = options.weight_rounding == "gptq";
  for (size_t i : nodes) {
    const Node& n = g.nodes[i];
    if (!feedback || (n.op == "Conv" && n.Int("group", 1) != 1)) continue;
    const Tensor& w = g.At(n.input(1));
    const size_t k = size_t(w.elements() / w.shape[0]);
    const size_t cap = std::clamp<size_t>(size_t(1e9 / double(k * k)), 8192, 65536);
    moments[n.input(0)].emplace_back(i, InputMoments(n, w.shape, options.calibration_images, cap));
  }
  Calibration calibration;
  auto gather = [&](const std::string& name, const std::vector<int64_t>& shape, const float* data) {
    auto it = moments.find(name);
    if (it == moments.end()) return;
    for (auto& [node, m] : it->second) m.Add(shape, data);
  };
  FROST_CONVERT_TRY(
      Calibrate(g, meta, options, activations, /*histograms=*/true, &calibration, gather));
  std::map<size_t, const InputMoments*> moments_of;
  for (const auto& [name, list] : moments) {
    for (const auto& [node, m] : list) moments_of[node] = &m;
  }
  for (const std::string& name : activations) {
    const Distribution& d = calibration.tensors[name];
    if (!d.seen()) {
      return Status::Error("internal error: calibration never saw tensor '" + name + "'");
    }
    const auto [lo, hi] = options.calibration_range == "mse"
                              ? MseRange(d)
                              : PercentileRange(d, options.calibration_percentile);
    g.At(name).quantization = ActivationGrid(lo, hi);
  }
  // The graph before any weight is rounded (grids set, which float ops ignore): what the ops
  // mixed precision keeps float go back to.
  Graph float_graph;
  if (options.int8_min_agreement > 0) float_graph = g;
  std::set<std::string> done;  // a weight shared by several nodes is quantized once
  size_t fed_back = 0;
  for (size_t i : nodes) {
    Node& n = g.nodes[i];
    if (!done.insert(n.input(1)).second) continue;
    Tensor& t = g.At(n.input(1));
    Quantization quantization;
    QuantizeWeight(t, &t.int8s, &quantization);
    // Error feedback needs the one input the weight is used on (and its statistics).
    if (auto it = moments_of.find(i); it != moments_of.end() && g.Consumers(n.input(1)).size() == 1) {
      std::vector<int8_t> rounded;
      if (RoundWithErrorFeedback(t.floats, quantization.scales.size(), quantization.scales,
                                 it->second->Matrix(), &rounded)) {
        t.int8s = std::move(rounded);
        ++fed_back;
      }
    }
    // A shared weight's nodes have different inputs: no single mean to correct for.
    if (g.Consumers(n.input(1)).size() == 1 && (!n.HasInput(2) || g.Consumers(n.input(2)).size() == 1)) {
      CorrectBias(g, n, t, quantization, calibration.tensors[n.input(0)]);
    }
    t.quantization = std::move(quantization);
    t.dtype = DType::kInt8;
    t.store_fp16 = false;  // (with --fp16 too, the weights left float are stored as float16)
    t.floats.clear();
    t.floats.shrink_to_fit();
  }
  size_t total = 0;
  for (const Node& n : g.nodes) total += IsQuantizable(n) ? 1 : 0;
  report->calibration_images = calibration.images;
  log->push_back("quantize int8: " + std::to_string(nodes.size()) + " of " +
                 std::to_string(total) +
                 " Conv/FullyConnected ops get INT8 weights (the image stem and the classifier "
                 "stay float32); " + std::to_string(pairs) + " Conv pairs equalized; activation "
                 "grids (" + options.calibration_range + " ranges) from " +
                 std::to_string(calibration.images) + " calibration samples; " +
                 std::to_string(fed_back) + " weights rounded with error feedback (gptq)");
  if (options.int8_min_agreement > 0) {
    FROST_CONVERT_TRY(KeepSensitiveOpsFloat(options, meta, float_graph, nodes,
                                            *calibration.samples, g, report, log));
  }
  report->quantized_ops = nodes.size() - report->float_ops.size();
  return Status::Ok();
}

}  // namespace frost::convert
