// explicit_pool_padding: an AveragePool with count_include_pad whose ceil_mode added end
// padding cannot say "count this padding but not that" in one op: ONNX counts the pads
// but not the part of the last window that runs past them. It becomes a zero Pad (the
// counted pads) followed by the pool with only the ceil_mode padding, not counted.
#include "passes/pass.hpp"
#include "passes/pass_util.hpp"

namespace frost::convert {

Status ExplicitPoolPaddingPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::vector<Node> out;
  int split = 0;
  for (Node& n : g.nodes) {
    if (n.op == "AveragePool" && n.Int("count_include_pad", 0) != 0 && n.Has("ceil_extra")) {
      const std::vector<int64_t> extra = n.Ints("ceil_extra"), pads = n.Ints("pads");
      const Tensor& x = g.At(n.input(0));
      const int64_t top = pads[0], left = pads[1];
      const int64_t bottom = pads[2] - extra[0], right = pads[3] - extra[1];
      std::vector<int64_t> padded = x.shape;
      padded[2] += top + bottom;
      padded[3] += left + right;
      const std::string p = g.AddActivation(n.input(0) + "/padded", padded).name;
      Node pad = DerivedNode(n, "Pad", {n.input(0)}, {p});
      pad.SetInts("pads", {0, 0, top, left, 0, 0, bottom, right});
      pad.SetString("mode", "constant");
      pad.SetFloat("value", 0.f);
      out.push_back(std::move(pad));
      n.inputs[0] = p;
      n.SetInts("pads", {0, 0, extra[0], extra[1]});
      n.SetInt("count_include_pad", 0);
      ++split;
    }
    out.push_back(std::move(n));
  }
  g.nodes = std::move(out);
  if (split) {
    *summary =
        std::to_string(split) + " AveragePool count_include_pad padding made explicit (ceil_mode)";
  }
  return Status::Ok();
}

}  // namespace frost::convert
