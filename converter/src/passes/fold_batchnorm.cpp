// fold_batchnorm: a BatchNormalization right after a Conv or FullyConnected (whose output
// nothing else reads) is folded into that op's weights and bias:
//   s = scale / sqrt(var + eps);  W'[o] = W[o] * s[o];  b'[o] = (b[o] - mean[o]) * s[o] + B[o]
// (in double, then rounded once). Any other BatchNormalization becomes Mul + Add with
// per-channel constants shaped [C, 1, ..., 1] to broadcast along axis 1.
#include <cmath>
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {
namespace {

struct Affine {
  std::vector<double> scale, shift;  // y = x * scale + shift per channel
};

Status ReadAffine(const Graph& g, const Node& bn, Affine* a) {
  for (size_t i = 1; i < 5; ++i) {
    if (!g.IsConstant(bn.input(i))) {
      return NodeError(g, bn,
                       "parameter '" + bn.input(i) +
                           "' is computed at run time; frost "
                           "needs constant BatchNorm parameters");
    }
  }
  const std::vector<float> gamma = g.Find(bn.input(1))->FloatValues();
  const std::vector<float> beta = g.Find(bn.input(2))->FloatValues();
  const std::vector<float> mean = g.Find(bn.input(3))->FloatValues();
  const std::vector<float> var = g.Find(bn.input(4))->FloatValues();
  const double eps = bn.Float("epsilon", 1e-5f);
  for (size_t c = 0; c < gamma.size(); ++c) {
    const double s = gamma[c] / std::sqrt(static_cast<double>(var[c]) + eps);
    a->scale.push_back(s);
    a->shift.push_back(beta[c] - mean[c] * s);
  }
  return Status::Ok();
}

// Folds into `producer` (Conv or FullyConnected with constant weights): true if done.
bool FoldInto(Graph& g, Node& producer, const Affine& a) {
  if ((producer.op != "Conv" && producer.op != "FullyConnected") || producer.Has("fused") ||
      !g.IsConstant(producer.input(1)) ||
      (producer.HasInput(2) && !g.IsConstant(producer.input(2)))) {
    return false;
  }
  const Tensor& w = g.At(producer.input(1));
  const size_t outputs = static_cast<size_t>(w.shape[0]);
  if (outputs != a.scale.size()) return false;
  std::vector<float> weight = w.floats;
  const size_t per_output = weight.size() / outputs;
  for (size_t o = 0; o < outputs; ++o) {
    for (size_t k = 0; k < per_output; ++k) {
      weight[o * per_output + k] = static_cast<float>(weight[o * per_output + k] * a.scale[o]);
    }
  }
  std::vector<float> bias(outputs, 0.f);
  if (producer.HasInput(2)) bias = g.At(producer.input(2)).FloatValues();
  for (size_t o = 0; o < outputs; ++o) {
    bias[o] = static_cast<float>(bias[o] * a.scale[o] + a.shift[o]);
  }
  const std::vector<int64_t> w_shape = w.shape;
  const std::string old = producer.input(1);
  producer.inputs.resize(3);
  producer.inputs[1] = g.AddConstant(old + "/bn", w_shape, std::move(weight)).name;
  g.DropIfUnused(old);
  producer.inputs[2] =
      g.AddConstant(producer.name + "/bn_bias", {static_cast<int64_t>(outputs)}, std::move(bias))
          .name;
  return true;
}

}  // namespace

Status FoldBatchNormPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> count;
  // What replaces node i: nothing (folded) or its Mul + Add; nodes not listed stay.
  std::map<size_t, std::vector<Node>> replace;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& n = g.nodes[i];
    if (n.op != "BatchNormalization") continue;
    Affine a;
    FROST_CONVERT_TRY(ReadAffine(g, n, &a));
    const std::string x = n.input(0);
    const int producer = g.Producer(x);
    if (producer >= 0 && SoleConsumer(g, x) == static_cast<int>(i) &&
        FoldInto(g, g.nodes[producer], a)) {
      g.nodes[producer].outputs[0] = n.outputs[0];
      replace[i] = {};
      ++count["into " + g.nodes[producer].op];
      continue;
    }
    const std::vector<int64_t> in_shape = g.At(x).shape;
    std::vector<int64_t> shape(in_shape.size() - 1, 1);
    shape[0] = in_shape[1];
    const std::string s =
        g.AddConstant(n.name + "/scale", shape, {a.scale.begin(), a.scale.end()}).name;
    const std::string b =
        g.AddConstant(n.name + "/shift", shape, {a.shift.begin(), a.shift.end()}).name;
    const std::string scaled = g.AddActivation(n.outputs[0] + "/scaled", in_shape).name;
    replace[i] = {DerivedNode(n, "Mul", {x, s}, {scaled}),
                  DerivedNode(n, "Add", {scaled, b}, {n.outputs[0]})};
    ++count["to Mul + Add"];
  }
  if (replace.empty()) return Status::Ok();
  std::vector<Node> out;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    auto it = replace.find(i);
    if (it == replace.end()) {
      out.push_back(std::move(g.nodes[i]));
    } else {
      for (Node& r : it->second) out.push_back(std::move(r));
    }
  }
  g.nodes = std::move(out);
  g.RemoveUnusedTensors();
  *summary = CountSummary(count);
  return Status::Ok();
}

}  // namespace frost::convert
