// assign_layout: decides how each activation is stored. 4-D activations read or written by
// Conv and pools are NHWC; elementwise ops follow their inputs (a constant operand of an
// NHWC op is expanded to 4-D and permuted to match); Concat, Slice and Pad of NHWC inputs
// stay NHWC with their axes remapped; every other op (Reshape, Softmax, Transpose, MatMul,
// FullyConnected) and every graph output needs the logical layout, so a Transpose is
// inserted where an NHWC tensor meets them. Where NCHW and NHWC order agree in memory
// (C == 1, or H == W == 1) a Reshape does instead, and a Reshape consumer reads the NHWC
// tensor directly. Graph inputs stay NCHW.
//
// From here on, the axis attributes of Concat ("axis"), Slice ("starts"/"ends"/"steps"),
// Pad ("pads"), Transpose ("perm") and Reshape ("shape") refer to physical axes.
#include <map>

#include "passes/op_kinds.hpp"
#include "passes/pass.hpp"
#include "passes/pass_util.hpp"
#include "tensor_math.hpp"

namespace frost::convert {
namespace {

// Where logical (NCHW) axis a of a 4-D tensor is stored in NHWC.
constexpr int64_t kPhysicalAxis[4] = {0, 3, 1, 2};

bool SameMemoryOrder(const Tensor& t) {
  return t.rank() == 4 && (t.shape[1] == 1 || (t.shape[2] == 1 && t.shape[3] == 1));
}

// Physical attribute values for an NHWC tensor from per-logical-axis values.
std::vector<int64_t> ToPhysical(const std::vector<int64_t>& logical) {
  return PermuteShape(logical, kToNhwc);
}

class LayoutAssigner {
 public:
  explicit LayoutAssigner(Graph& g) : g_(g) {}

  void Run(std::string* summary) {
    std::vector<Node> nodes = std::move(g_.nodes);
    g_.nodes.clear();
    for (Node& n : nodes) {
      Assign(n);
      out_.push_back(std::move(n));
    }
    g_.nodes = std::move(out_);
    PlainOutputs();
    g_.RemoveUnusedTensors();
    if (nhwc_ops_ || transposes_ || reshapes_) {
      *summary = std::to_string(nhwc_ops_) + " ops on NHWC, " + std::to_string(transposes_) +
                 " Transposes and " + std::to_string(reshapes_) + " Reshapes inserted, " +
                 std::to_string(constants_) + " constants permuted";
    }
  }

 private:
  bool IsNhwc(const std::string& name) { return !name.empty() && g_.At(name).nhwc; }

  // A node that stores activation `from` in the other layout as `to`.
  Node Conversion(const std::string& from, const std::string& to, bool to_nhwc) {
    Node c;
    c.name = to;
    const Tensor& t = g_.At(from);
    if (SameMemoryOrder(t)) {
      c.op = "Reshape";
      c.SetInts("shape", g_.At(to).physical_shape());
      ++reshapes_;
    } else {
      c.op = "Transpose";
      c.SetInts("perm", to_nhwc ? kToNhwc : kToNchw);
      ++transposes_;
    }
    c.inputs = {from};
    c.outputs = {to};
    return c;
  }

  // The name of activation `name` stored in the wanted layout, converting once.
  std::string Ensure(const std::string& name, bool nhwc) {
    if (name.empty() || g_.IsConstant(name) || g_.At(name).nhwc == nhwc) return name;
    auto key = std::make_pair(name, nhwc);
    if (auto it = converted_.find(key); it != converted_.end()) return it->second;
    const Tensor& t = g_.At(name);
    const std::string y = g_.AddActivation(name + (nhwc ? "/nhwc" : "/nchw"), t.shape, nhwc).name;
    out_.push_back(Conversion(name, y, nhwc));
    converted_[key] = y;
    return y;
  }

  // Constant `name` (rank <= 4) broadcast against an NHWC tensor: expanded to 4-D and
  // permuted. A single value broadcasts the same either way.
  std::string NhwcConstant(const std::string& name) {
    const Tensor& t = g_.At(name);
    if (t.elements() == 1 || t.nhwc) return name;
    if (auto it = nhwc_constants_.find(name); it != nhwc_constants_.end()) return it->second;
    std::vector<int64_t> shape = t.shape;
    shape.insert(shape.begin(), 4 - shape.size(), 1);
    Tensor& c = g_.AddConstant(name + "/nhwc", shape, Permute(t.FloatValues(), shape, kToNhwc));
    c.nhwc = true;
    ++constants_;
    return nhwc_constants_[name] = c.name;
  }

  void SetOutputsNhwc(const Node& n, bool nhwc) {
    for (const std::string& out : n.outputs) {
      if (!out.empty()) g_.At(out).nhwc = nhwc && g_.At(out).rank() == 4;
    }
  }

  // Elementwise and Concat: NHWC when an activation input is and all are 4-D.
  bool FollowsNhwc(const Node& n) {
    bool any_nhwc = false;
    for (const std::string& in : n.inputs) {
      if (in.empty()) continue;
      const Tensor& t = g_.At(in);
      if (!t.constant && t.rank() != 4) return false;
      if (t.constant && t.rank() > 4) return false;
      any_nhwc = any_nhwc || t.nhwc;
    }
    return any_nhwc && g_.At(n.outputs[0]).rank() == 4;
  }

  void Assign(Node& n) {
    if (IsSpatialOp(n.op)) {
      n.inputs[0] = Ensure(n.inputs[0], true);
      SetOutputsNhwc(n, true);
      ++nhwc_ops_;
    } else if (IsUnaryOp(n.op)) {
      SetOutputsNhwc(n, IsNhwc(n.input(0)));
    } else if (IsBinaryOp(n.op) || n.op == "Concat") {
      const bool nhwc = FollowsNhwc(n);
      for (std::string& in : n.inputs) {
        in = g_.IsConstant(in) ? (nhwc ? NhwcConstant(in) : in) : Ensure(in, nhwc);
      }
      if (nhwc && n.op == "Concat") n.SetInt("axis", kPhysicalAxis[n.Int("axis", 0)]);
      SetOutputsNhwc(n, nhwc);
      nhwc_ops_ += nhwc;
    } else if ((n.op == "Slice" || n.op == "Pad") && IsNhwc(n.input(0))) {
      if (n.op == "Slice") {
        for (const char* key : {"starts", "ends", "steps"}) n.SetInts(key, ToPhysical(n.Ints(key)));
      } else {
        const std::vector<int64_t> pads = n.Ints("pads");
        std::vector<int64_t> begin = ToPhysical({pads.begin(), pads.begin() + 4});
        std::vector<int64_t> end = ToPhysical({pads.begin() + 4, pads.end()});
        begin.insert(begin.end(), end.begin(), end.end());
        n.SetInts("pads", begin);
      }
      SetOutputsNhwc(n, true);
      ++nhwc_ops_;
    } else if (n.op == "Reshape" && IsNhwc(n.input(0)) && SameMemoryOrder(g_.At(n.input(0)))) {
      SetOutputsNhwc(n, false);  // reads the NHWC bytes directly: same order
    } else {
      for (std::string& in : n.inputs) in = Ensure(in, false);
      SetOutputsNhwc(n, false);
    }
  }

  // Graph outputs are NCHW: an NHWC output is renamed and converted back under its name.
  void PlainOutputs() {
    for (size_t k = 0; k < g_.outputs.size(); ++k) {
      const std::string name = g_.outputs[k];
      if (!g_.At(name).nhwc) continue;
      const std::string feature = g_.feature_tensor;
      const std::string internal = g_.UniqueName(name + "/nhwc");
      g_.Rename(name, internal);
      g_.outputs[k] = name;
      if (feature == name) g_.feature_tensor = name;
      Tensor& plain = g_.At(name);
      plain = g_.At(internal);
      plain.name = name;
      plain.nhwc = false;
      g_.nodes.push_back(Conversion(internal, name, false));
    }
  }

  Graph& g_;
  std::vector<Node> out_;
  std::map<std::pair<std::string, bool>, std::string> converted_;
  std::map<std::string, std::string> nhwc_constants_;
  int nhwc_ops_ = 0, transposes_ = 0, reshapes_ = 0, constants_ = 0;
};

}  // namespace

Status AssignLayoutPass(Graph& g, const ConvertOptions&, std::string* summary) {
  LayoutAssigner(g).Run(summary);
  return Status::Ok();
}

}  // namespace frost::convert
