// fold_flatten_transpose: an NHWC tensor [N, H, W, C] that is transposed back to NCHW only
// to be flattened into a FullyConnected (VGG's 7x7x512 -> 4096) is flattened as it is
// stored instead, and the FullyConnected's weight columns are permuted to match:
//   W'[o, (h * W + w) * C + c] = W[o, c * H * W + h * W + w].
// (When H = W = 1 assign_layout already inserted no Transpose.)
#include "passes/pass.hpp"
#include "passes/pass_util.hpp"
#include "tensor_math.hpp"

namespace frost::convert {

Status FoldFlattenTransposePass(Graph& g, const ConvertOptions&, std::string* summary) {
  int folded = 0;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& transpose = g.nodes[i];
    if (transpose.op != "Transpose" || transpose.Ints("perm") != kToNchw) continue;
    const std::string x = transpose.input(0), t = transpose.outputs[0];
    const int r = SoleConsumer(g, t);
    if (r < 0 || g.nodes[r].op != "Reshape") continue;
    Node& reshape = g.nodes[r];
    const std::string flat = reshape.outputs[0];
    const std::vector<int64_t> nhwc = g.At(x).physical_shape();
    const std::vector<int64_t>& flat_shape = g.At(flat).shape;
    if (g.IsProtected(flat) || flat_shape.size() != 2 || flat_shape[0] != nhwc[0] ||
        flat_shape[1] != nhwc[1] * nhwc[2] * nhwc[3]) {
      continue;
    }
    const std::vector<size_t> consumers = g.Consumers(flat);
    bool all_fc = !consumers.empty();
    for (size_t c : consumers) {
      const Node& fc = g.nodes[c];
      all_fc =
          all_fc && fc.op == "FullyConnected" && fc.input(0) == flat && g.IsConstant(fc.input(1));
    }
    if (!all_fc) continue;
    const int64_t h = nhwc[1], w = nhwc[2], channels = nhwc[3];
    for (size_t c : consumers) {
      Node& fc = g.nodes[c];
      const Tensor& weight = g.At(fc.input(1));
      const int64_t outputs = weight.shape[0];
      std::vector<float> permuted = Permute(weight.floats, {outputs, channels, h, w}, {0, 2, 3, 1});
      const std::string old = fc.input(1);
      fc.inputs[1] = g.AddConstant(old + "/nhwc_columns", weight.shape, std::move(permuted)).name;
      g.DropIfUnused(old);
    }
    reshape.inputs[0] = x;
    remove[i] = true;
    ++folded;
  }
  g.RemoveNodes(remove);
  if (folded) {
    *summary = std::to_string(folded) +
               " NHWC->NCHW Transposes before a flatten folded into FullyConnected weights";
  }
  return Status::Ok();
}

}  // namespace frost::convert
