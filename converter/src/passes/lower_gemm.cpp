// lower_gemm: Gemm with a constant B becomes FullyConnected (y = x W^T + b, W [O, K]) with
// alpha folded into W and beta * C into the bias (a C that varies along the rows stays an
// Add); transA becomes a Transpose. A Gemm with a computed B becomes MatMul (+ Mul alpha)
// (+ Add C). A MatMul of a 2-D activation by a constant 2-D B becomes FullyConnected too,
// and an Add of a constant per-output vector after a bias-less FullyConnected becomes its
// bias.
#include <map>

#include "passes/pass.hpp"
#include "passes/pass_util.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

struct Lowering {
  Graph& g;
  std::vector<Node>& out;
  const Node& origin;

  std::string Emit(const std::string& op, std::vector<std::string> inputs,
                   std::vector<int64_t> shape, const std::string& output = "") {
    const std::string name =
        output.empty() ? g.AddActivation(origin.name + "/" + op, shape).name : output;
    out.push_back(DerivedNode(origin, op, std::move(inputs), {name}));
    return name;
  }
  std::string Transposed(const std::string& x) {
    const Tensor& t = g.At(x);
    if (t.constant) {
      return g.AddConstant(x + "/T", {t.shape[1], t.shape[0]}, Permute(t.floats, t.shape, {1, 0}))
          .name;
    }
    const std::vector<int64_t> shape = {t.shape[1], t.shape[0]};
    const std::string y = Emit("Transpose", {x}, shape);
    out.back().SetInts("perm", {1, 0});
    return y;
  }
  std::string Scaled(const std::string& x, float factor) {
    const Tensor& t = g.At(x);
    if (factor == 1.f) return x;
    if (t.constant) {
      std::vector<float> v = t.FloatValues();
      for (float& f : v) f *= factor;
      return g.AddConstant(x + "/scaled", t.shape, std::move(v)).name;
    }
    const std::string s = g.AddConstant(origin.name + "/factor", {}, {factor}).name;
    return Emit("Mul", {x, s}, t.shape);
  }
};

void LowerGemm(Graph& g, const Node& n, std::vector<Node>& out, std::map<std::string, int>* count) {
  Lowering l{g, out, n};
  const float alpha = n.Float("alpha", 1.f), beta = n.Float("beta", 1.f);
  const bool ta = n.Int("transA", 0) != 0, tb = n.Int("transB", 0) != 0;
  const std::string y = n.outputs[0];
  const std::vector<int64_t> y_shape = g.At(y).shape;
  const std::string a = ta ? l.Transposed(n.input(0)) : n.input(0);
  const std::string c = n.input(2);
  const bool c_constant = !c.empty() && g.IsConstant(c);
  // A constant C that is the same for every row is a bias.
  const bool c_is_bias = c_constant && (g.At(c).rank() < 2 || g.At(c).shape[0] == 1);
  const bool b_constant = g.IsConstant(n.input(1));
  // A FullyConnected takes a per-output C as its bias; anything else is added afterwards.
  const bool needs_add = !c.empty() && (!b_constant || !c_is_bias);
  const std::string product = needs_add ? g.AddActivation(y + "/product", y_shape).name : y;
  if (b_constant) {
    Tensor& b = g.At(n.input(1));
    // A weight only this Gemm reads is moved, not copied (VGG's first FC is 400 MB).
    const bool sole_reader = g.Consumers(b.name).size() == 1 && !g.IsProtected(b.name);
    std::vector<float> w = !tb           ? Permute(b.floats, b.shape, {1, 0})
                           : sole_reader ? std::move(b.floats)
                                         : b.floats;
    if (alpha != 1.f) {
      for (float& v : w) v *= alpha;
    }
    const int64_t outputs = y_shape[1], k = static_cast<int64_t>(w.size()) / outputs;
    std::vector<std::string> inputs = {
        a, g.AddConstant(n.input(1) + "/fc", {outputs, k}, std::move(w)).name};
    if (c_is_bias) {
      std::vector<float> bias = BroadcastTo(g.At(c).FloatValues(), g.At(c).shape, {1, outputs});
      for (float& v : bias) v *= beta;
      inputs.push_back(g.AddConstant(c + "/bias", {outputs}, std::move(bias)).name);
    }
    l.Emit("FullyConnected", inputs, y_shape, product);
    ++(*count)["Gemm -> FullyConnected"];
  } else {
    const std::string b = tb ? l.Transposed(n.input(1)) : n.input(1);
    if (alpha == 1.f) {
      l.Emit("MatMul", {a, b}, y_shape, product);
    } else {
      const std::string mm = l.Emit("MatMul", {a, b}, y_shape);
      const std::string s = g.AddConstant(n.name + "/alpha", {}, {alpha}).name;
      l.Emit("Mul", {mm, s}, y_shape, product);
    }
    ++(*count)["Gemm -> MatMul"];
  }
  if (needs_add) l.Emit("Add", {product, l.Scaled(c, beta)}, y_shape, y);
}

// MatMul(x [M, K], constant B [K, O]) -> FullyConnected(x, B^T).
bool LowerMatMul(Graph& g, Node& n) {
  const Tensor& a = g.At(n.input(0));
  const Tensor& b = g.At(n.input(1));
  if (a.constant || !b.constant || a.rank() != 2 || b.rank() != 2) return false;
  const std::string w = g.AddConstant(n.input(1) + "/fc", {b.shape[1], b.shape[0]},
                                      Permute(b.floats, b.shape, {1, 0}))
                            .name;
  n.op = "FullyConnected";
  n.inputs = {n.input(0), w};
  return true;
}

// FullyConnected without bias, then Add(constant [O] or [1, O]) -> bias.
int FoldBiasAdds(Graph& g) {
  int folded = 0;
  std::vector<bool> remove(g.nodes.size(), false);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    Node& fc = g.nodes[i];
    if (fc.op != "FullyConnected" || fc.inputs.size() != 2) continue;
    const int next = SoleConsumer(g, fc.outputs[0]);
    if (next < 0 || g.nodes[next].op != "Add") continue;
    Node& add = g.nodes[next];
    const std::string other = add.input(0) == fc.outputs[0] ? add.input(1) : add.input(0);
    const Tensor* c = g.Find(other);
    const int64_t outputs = g.At(fc.outputs[0]).shape[1];
    if (!c || !c->constant || c->elements() != outputs ||
        !(c->shape == std::vector<int64_t>{outputs} ||
          c->shape == std::vector<int64_t>{1, outputs})) {
      continue;
    }
    fc.inputs.push_back(g.AddConstant(other + "/bias", {outputs}, c->FloatValues()).name);
    fc.outputs[0] = add.outputs[0];
    remove[next] = true;
    ++folded;
  }
  g.RemoveNodes(remove);
  return folded;
}

}  // namespace

Status LowerGemmPass(Graph& g, const ConvertOptions&, std::string* summary) {
  std::map<std::string, int> count;
  std::vector<Node> out;
  for (Node& n : g.nodes) {
    if (n.op == "Gemm") {
      LowerGemm(g, n, out, &count);
      continue;
    }
    if (n.op == "MatMul" && LowerMatMul(g, n)) ++count["MatMul -> FullyConnected"];
    out.push_back(std::move(n));
  }
  g.nodes = std::move(out);
  const int biases = FoldBiasAdds(g);
  if (biases) count["Add -> FullyConnected bias"] = biases;
  g.RemoveUnusedTensors();
  *summary = CountSummary(count);
  return Status::Ok();
}

}  // namespace frost::convert
