#include "ir.hpp"

#include <algorithm>

namespace frost::convert {

const char* DTypeName(DType type) {
  switch (type) {
    case DType::kFloat:
      return "float";
    case DType::kInt64:
      return "int64";
    case DType::kBool:
      return "bool";
    case DType::kInt8:
      return "int8";
  }
  return "?";
}

int64_t Tensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::vector<int64_t> Tensor::physical_shape() const {
  if (!nhwc || shape.size() != 4) return shape;
  return {shape[0], shape[2], shape[3], shape[1]};
}

std::vector<int64_t> Tensor::IntValues() const {
  if (dtype != DType::kFloat) return ints;
  std::vector<int64_t> out(floats.size());
  for (size_t i = 0; i < floats.size(); ++i) out[i] = static_cast<int64_t>(floats[i]);
  return out;
}

std::vector<float> Tensor::FloatValues() const {
  if (dtype == DType::kFloat) return floats;
  std::vector<float> out(ints.size());
  for (size_t i = 0; i < ints.size(); ++i) out[i] = static_cast<float>(ints[i]);
  return out;
}

const std::string& Node::input(size_t i) const {
  static const std::string kNone;
  return i < inputs.size() ? inputs[i] : kNone;
}

int64_t Node::Int(const std::string& key, int64_t fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second.i;
}

float Node::Float(const std::string& key, float fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second.f;
}

std::string Node::String(const std::string& key, const std::string& fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second.s;
}

std::vector<int64_t> Node::Ints(const std::string& key, std::vector<int64_t> fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second.ints;
}

std::vector<float> Node::Floats(const std::string& key, std::vector<float> fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second.floats;
}

void Node::SetInt(const std::string& key, int64_t v) {
  Attribute a;
  a.kind = Attribute::Kind::kInt;
  a.i = v;
  attrs[key] = std::move(a);
}

void Node::SetFloat(const std::string& key, float v) {
  Attribute a;
  a.kind = Attribute::Kind::kFloat;
  a.f = v;
  attrs[key] = std::move(a);
}

void Node::SetString(const std::string& key, const std::string& v) {
  Attribute a;
  a.kind = Attribute::Kind::kString;
  a.s = v;
  attrs[key] = std::move(a);
}

void Node::SetInts(const std::string& key, std::vector<int64_t> v) {
  Attribute a;
  a.kind = Attribute::Kind::kInts;
  a.ints = std::move(v);
  attrs[key] = std::move(a);
}

Tensor* Graph::Find(const std::string& name) {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : &it->second;
}

const Tensor* Graph::Find(const std::string& name) const {
  auto it = tensors.find(name);
  return it == tensors.end() ? nullptr : &it->second;
}

Tensor& Graph::At(const std::string& name) {
  Tensor& t = tensors[name];
  t.name = name;
  return t;
}

bool Graph::IsConstant(const std::string& name) const {
  const Tensor* t = Find(name);
  return t != nullptr && t->constant;
}

std::string Graph::UniqueName(const std::string& base) const {
  if (!tensors.count(base)) return base;
  for (int i = 1;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (!tensors.count(name)) return name;
  }
}

Tensor& Graph::AddConstant(const std::string& base, std::vector<int64_t> shape,
                           std::vector<float> data) {
  Tensor& t = At(UniqueName(base));
  t.dtype = DType::kFloat;
  t.shape = std::move(shape);
  t.shape_known = true;
  t.constant = true;
  t.floats = std::move(data);
  return t;
}

Tensor& Graph::AddIntConstant(const std::string& base, std::vector<int64_t> shape,
                              std::vector<int64_t> data) {
  Tensor& t = At(UniqueName(base));
  t.dtype = DType::kInt64;
  t.shape = std::move(shape);
  t.shape_known = true;
  t.constant = true;
  t.ints = std::move(data);
  return t;
}

Tensor& Graph::AddActivation(const std::string& base, std::vector<int64_t> shape, bool nhwc) {
  Tensor& t = At(UniqueName(base));
  t.dtype = DType::kFloat;
  t.shape = std::move(shape);
  t.shape_known = true;
  t.nhwc = nhwc;
  return t;
}

int Graph::Producer(const std::string& name) const {
  if (name.empty()) return -1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& out : nodes[i].outputs) {
      if (out == name) return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<size_t> Graph::Consumers(const std::string& name) const {
  std::vector<size_t> out;
  if (name.empty()) return out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (std::find(nodes[i].inputs.begin(), nodes[i].inputs.end(), name) != nodes[i].inputs.end())
      out.push_back(i);
  }
  return out;
}

bool Graph::IsGraphOutput(const std::string& name) const {
  return std::find(outputs.begin(), outputs.end(), name) != outputs.end();
}

bool Graph::IsProtected(const std::string& name) const {
  return IsGraphOutput(name) || (!feature_tensor.empty() && name == feature_tensor);
}

void Graph::ReplaceUses(const std::string& from, const std::string& to) {
  for (Node& node : nodes) {
    for (std::string& in : node.inputs) {
      if (in == from) in = to;
    }
  }
}

void Graph::Rename(const std::string& from, const std::string& to) {
  if (from == to) return;
  auto it = tensors.find(from);
  if (it != tensors.end()) {
    Tensor t = std::move(it->second);
    tensors.erase(it);
    t.name = to;
    tensors[to] = std::move(t);
  }
  for (Node& node : nodes) {
    for (std::string& in : node.inputs) {
      if (in == from) in = to;
    }
    for (std::string& out : node.outputs) {
      if (out == from) out = to;
    }
  }
  for (std::string& in : inputs) {
    if (in == from) in = to;
  }
  for (std::string& out : outputs) {
    if (out == from) out = to;
  }
  if (feature_tensor == from) feature_tensor = to;
}

void Graph::RemoveNodes(const std::vector<bool>& remove) {
  std::vector<Node> kept;
  kept.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!remove[i]) kept.push_back(std::move(nodes[i]));
  }
  nodes = std::move(kept);
  RemoveUnusedTensors();
}

void Graph::DropIfUnused(const std::string& name) {
  if (name.empty() || name == feature_tensor || !Consumers(name).empty() || Producer(name) >= 0) {
    return;
  }
  for (const std::string& io : inputs) {
    if (io == name) return;
  }
  if (IsGraphOutput(name)) return;
  tensors.erase(name);
}

void Graph::RemoveUnusedTensors() {
  std::set<std::string> used(inputs.begin(), inputs.end());
  used.insert(outputs.begin(), outputs.end());
  if (!feature_tensor.empty()) used.insert(feature_tensor);
  for (const Node& node : nodes) {
    used.insert(node.inputs.begin(), node.inputs.end());
    used.insert(node.outputs.begin(), node.outputs.end());
  }
  for (auto it = tensors.begin(); it != tensors.end();) {
    it = used.count(it->first) ? std::next(it) : tensors.erase(it);
  }
}

Status NodeError(const Graph& graph, const Node& node, const std::string& what) {
  const std::string& op = node.onnx_op.empty() ? node.op : node.onnx_op;
  return Status::Error("node '" + node.name + "' (" + op + ", opset " +
                       std::to_string(graph.opset) + "): " + what);
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace frost::convert
