#include "importers/common.hpp"
#include <algorithm>
#include <cstring>

namespace frost::convert {

Status CheckAttributes(const Graph& g, const Node& n, std::initializer_list<const char*> allowed) {
  for (const auto& [key, attr] : n.attrs) {
    const bool known =
        std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
    if (!known) return NodeError(g, n, "unsupported attribute '" + key + "'");
  }
  return Status::Ok();
}

Status CheckInputCount(const Graph& g, const Node& n, size_t min, size_t max) {
  // Trailing absent optional inputs do not count.
  size_t count = n.inputs.size();
  while (count > 0 && n.inputs[count - 1].empty()) --count;
  if (count < min || count > max) {
    const std::string range =
        min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
    return NodeError(g, n, "expects " + range + " inputs, got " + std::to_string(count));
  }
  for (size_t i = 0; i < min; ++i) {
    if (n.inputs[i].empty()) {
      return NodeError(g, n, "input " + std::to_string(i) + " is required");
    }
  }
  return Status::Ok();
}

Status CheckOutputCount(const Graph& g, const Node& n, size_t supported) {
  if (n.outputs.empty() || n.outputs[0].empty()) return NodeError(g, n, "has no output");
  for (size_t i = supported; i < n.outputs.size(); ++i) {
    if (!n.outputs[i].empty()) {
      return NodeError(g, n,
                       "output " + std::to_string(i) + " ('" + n.outputs[i] +
                           "') is not supported; frost computes only the first " +
                           std::to_string(supported));
    }
  }
  return Status::Ok();
}

Status CheckOpset(const Graph& g, const Node& n, int since) {
  if (g.opset < since) {
    return NodeError(g, n, "this operator needs opset " + std::to_string(since) + " or newer");
  }
  return Status::Ok();
}

Status ImportWithAttributes(Graph& g, Node& n, std::initializer_list<const char*> allowed,
                            size_t min_inputs, size_t max_inputs) {
  FROST_CONVERT_TRY(CheckAttributes(g, n, allowed));
  FROST_CONVERT_TRY(CheckInputCount(g, n, min_inputs, max_inputs));
  FROST_CONVERT_TRY(CheckOutputCount(g, n, 1));
  Append(g, n);
  return Status::Ok();
}

const Tensor& In(const Graph& g, const Node& n, size_t i) {
  static const Tensor kAbsent;
  const Tensor* t = g.Find(n.input(i));
  return t ? *t : kAbsent;
}

Tensor& Out(Graph& g, const Node& n, size_t i) { return g.At(n.outputs[i]); }

void SetOutput(Graph& g, const Node& n, size_t i, DType type, std::vector<int64_t> shape) {
  if (i >= n.outputs.size() || n.outputs[i].empty()) return;
  Tensor& t = Out(g, n, i);
  t.dtype = type;
  t.shape = std::move(shape);
  t.shape_known = true;
}

Status RequireFloatInputs(const Graph& g, const Node& n) {
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const Tensor& t = In(g, n, i);
    if (n.HasInput(i) && t.dtype != DType::kFloat) {
      return NodeError(g, n,
                       "input '" + t.name + "' is " + DTypeName(t.dtype) +
                           "; frost computes this op on float only");
    }
  }
  return Status::Ok();
}

Status RequireConstant(const Graph& g, const Node& n, size_t i, const std::string& what) {
  if (!n.HasInput(i)) return NodeError(g, n, what + " is required");
  if (!g.IsConstant(n.input(i))) {
    return NodeError(g, n,
                     what + " ('" + n.input(i) +
                         "') is computed at run time; frost needs it to be a constant "
                         "(or to fold into one at conversion)");
  }
  return Status::Ok();
}

Status ConstantInts(const Graph& g, const Node& n, size_t i, const std::string& what,
                    std::vector<int64_t>* out) {
  FROST_CONVERT_TRY(RequireConstant(g, n, i, what));
  *out = In(g, n, i).IntValues();
  return Status::Ok();
}

void SetConstantInput(Graph& g, Node& n, size_t i, const std::string& role,
                      std::vector<int64_t> shape, std::vector<int64_t> values) {
  if (n.inputs.size() <= i) n.inputs.resize(i + 1);
  n.inputs[i] = g.AddIntConstant(n.name + "/" + role, std::move(shape), std::move(values)).name;
}

void SetFloatConstantInput(Graph& g, Node& n, size_t i, const std::string& role,
                           std::vector<int64_t> shape, std::vector<float> values) {
  if (n.inputs.size() <= i) n.inputs.resize(i + 1);
  n.inputs[i] = g.AddConstant(n.name + "/" + role, std::move(shape), std::move(values)).name;
}

Status NormalizeAxis(const Graph& g, const Node& n, int64_t axis, int64_t rank,
                     const std::string& what, int64_t* out) {
  if (axis < -rank || axis >= rank) {
    return NodeError(
        g, n,
        what + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  *out = axis < 0 ? axis + rank : axis;
  return Status::Ok();
}

void SetOutputFloats(Graph& g, const Node& n, size_t i, std::vector<float> values) {
  Tensor& t = Out(g, n, i);
  t.constant = true;
  t.floats = std::move(values);
  t.ints.clear();
}

void SetOutputInts(Graph& g, const Node& n, size_t i, std::vector<int64_t> values) {
  Tensor& t = Out(g, n, i);
  t.constant = true;
  t.ints = std::move(values);
  t.floats.clear();
}

Status RequireUnused(const Graph& g, const Node& n, size_t i, const std::string& what) {
  if (i >= n.outputs.size() || n.outputs[i].empty()) return Status::Ok();
  if (!g.Consumers(n.outputs[i]).empty() || g.IsGraphOutput(n.outputs[i])) {
    return NodeError(g, n,
                     what + " ('" + n.outputs[i] + "') is used, which frost does not support");
  }
  return Status::Ok();
}

Status EvaluateCopy(Graph& g, const Node& n) {
  const Tensor& in = In(g, n, 0);
  if (in.dtype == DType::kFloat) {
    SetOutputFloats(g, n, 0, in.floats);
  } else {
    SetOutputInts(g, n, 0, in.ints);
  }
  return Status::Ok();
}

}  // namespace frost::convert
