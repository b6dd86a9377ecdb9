#include "classify.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace frost::conformance {

namespace {

const std::vector<ReasonInfo> kReasons = {
    {Reason::kNonTensorIo, "non_tensor_io", false,
     "a graph input or output is not a tensor (optional or sequence type)"},
    {Reason::kNonFloatInput, "non_float_input", false,
     "the first (runtime) input is not float32: frost is fed float32 only"},
    {Reason::kNonFloatOutput, "non_float_output", false,
     "an output is not float32 (e.g. a Dropout mask or MaxPool indices): frost produces "
     "float32 only"},
    {Reason::kOpOutsideList, "op_outside_list", true,
     "the graph uses an op outside the converter's list that cannot be folded away"},
    {Reason::kTrainingMode, "training_mode", true,
     "training-mode BatchNormalization or Dropout: batch statistics / random masks, not "
     "inference"},
    {Reason::kSpatialRank, "spatial_rank", true,
     "Conv or pooling over 1 or 3 spatial dims: the format has 2-D kernels only"},
    {Reason::kNonFloatConstant, "non_float_constant", true,
     "a non-float32 constant meets a runtime tensor as a data operand (not as a shape, axes "
     "or pads): frost computes in float32"},
    {Reason::kEmptyTensor, "empty_tensor", true, "an input or output has a dimension of size 0"},
};

// Non-float inputs (shapes, axes, pads, indices, flags) these ops take by design, by slot.
const std::map<std::string, std::set<int>> kNonFloatSlots = {
    {"Reshape", {1}}, {"Slice", {1, 2, 3, 4}}, {"Squeeze", {1}}, {"Unsqueeze", {1}},
    {"Pad", {1, 3}},  {"Gather", {1}},         {"Dropout", {2}}, {"ConstantOfShape", {0}},
    {"Cast", {0}},    {"Shape", {0}},
};

const std::set<std::string> kSpatialOps = {"Conv", "MaxPool", "AveragePool", "GlobalAveragePool",
                                           "GlobalMaxPool"};

bool IsFloatType(int32_t type) { return type == onnx::TensorProto::FLOAT; }

bool IsDefaultDomain(const onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

// What is statically known about a value of the graph.
struct ValueFacts {
  std::map<std::string, int32_t> type;
  std::map<std::string, int> rank;
  std::map<std::string, const onnx::TensorProto*> constant;
  // Known at conversion time: constants, shapes (static here) and what is computed from them.
  std::set<std::string> foldable;
};

void AddValueInfo(const onnx::ValueInfoProto& info, ValueFacts* facts) {
  if (!info.type().has_tensor_type()) return;
  const auto& tensor = info.type().tensor_type();
  facts->type[info.name()] = tensor.elem_type();
  if (tensor.has_shape()) facts->rank[info.name()] = tensor.shape().dim_size();
}

ValueFacts CollectFacts(const onnx::GraphProto& graph) {
  ValueFacts facts;
  for (const auto& info : graph.input()) AddValueInfo(info, &facts);
  for (const auto& info : graph.value_info()) AddValueInfo(info, &facts);
  for (const auto& info : graph.output()) AddValueInfo(info, &facts);
  for (const auto& init : graph.initializer()) {
    facts.type[init.name()] = init.data_type();
    facts.rank[init.name()] = init.dims_size();
    facts.constant[init.name()] = &init;
  }
  for (const auto& node : graph.node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1) continue;
    for (const auto& attr : node.attribute()) {
      if (attr.name() == "value" && attr.has_t()) {
        facts.type[node.output(0)] = attr.t().data_type();
        facts.rank[node.output(0)] = attr.t().dims_size();
        facts.constant[node.output(0)] = &attr.t();
      }
    }
  }
  for (const auto& [name, tensor] : facts.constant) facts.foldable.insert(name);
  for (const auto& node : graph.node()) {  // ONNX nodes are in topological order
    bool foldable = node.op_type() == "Shape" ||
                    std::all_of(node.input().begin(), node.input().end(), [&](const auto& in) {
                      return in.empty() || facts.foldable.count(in);
                    });
    if (foldable) facts.foldable.insert(node.output().begin(), node.output().end());
  }
  return facts;
}

// The truth value of a BOOL constant's first element; nullopt if not readable.
std::optional<bool> BoolValue(const onnx::TensorProto& tensor) {
  if (tensor.data_type() != onnx::TensorProto::BOOL) return std::nullopt;
  if (!tensor.raw_data().empty()) return tensor.raw_data()[0] != 0;
  if (tensor.int32_data_size() > 0) return tensor.int32_data(0) != 0;
  return std::nullopt;
}

const onnx::AttributeProto* FindAttribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& attr : node.attribute()) {
    if (attr.name() == name) return &attr;
  }
  return nullptr;
}

std::string NodeLabel(const onnx::NodeProto& node) {
  return node.op_type() + " '" + (node.name().empty() ? node.output(0) : node.name()) + "'";
}

void CheckIo(const onnx::GraphProto& graph, const DataSet& data, std::vector<Finding>* out) {
  std::vector<const onnx::ValueInfoProto*> inputs = RuntimeInputs(graph);
  if (inputs.empty()) {
    out->push_back({Reason::kNonFloatInput, "the graph has no runtime input"});
  } else if (!inputs[0]->type().has_tensor_type()) {
    out->push_back({Reason::kNonTensorIo, "input '" + inputs[0]->name() + "' is not a tensor"});
  } else if (int32_t t = inputs[0]->type().tensor_type().elem_type(); !IsFloatType(t)) {
    out->push_back(
        {Reason::kNonFloatInput, "input '" + inputs[0]->name() + "' is " + DataTypeName(t)});
  }
  for (const auto& output : graph.output()) {
    if (!output.type().has_tensor_type()) {
      out->push_back({Reason::kNonTensorIo, "output '" + output.name() + "' is not a tensor"});
    } else if (int32_t t = output.type().tensor_type().elem_type(); !IsFloatType(t)) {
      out->push_back(
          {Reason::kNonFloatOutput, "output '" + output.name() + "' is " + DataTypeName(t)});
    }
  }
  auto has_zero_dim = [](const onnx::TensorProto& t) {
    return std::find(t.dims().begin(), t.dims().end(), 0) != t.dims().end();
  };
  if (!data.inputs.empty() && has_zero_dim(data.inputs[0])) {
    out->push_back({Reason::kEmptyTensor, "input 0 has a dimension of size 0"});
  }
  for (size_t k = 0; k < data.outputs.size(); ++k) {
    if (has_zero_dim(data.outputs[k])) {
      out->push_back(
          {Reason::kEmptyTensor, "output " + std::to_string(k) + " has a dimension of size 0"});
    }
  }
}

void CheckOps(const onnx::GraphProto& graph, std::vector<Finding>* out) {
  std::set<std::string> outside;
  for (const auto& node : graph.node()) {
    bool known = IsDefaultDomain(node) &&
                 (ListedOps().count(node.op_type()) || FoldableGlueOps().count(node.op_type()));
    if (!known)
      outside.insert(node.domain().empty() ? node.op_type() : node.domain() + "." + node.op_type());
  }
  if (outside.empty()) return;
  std::string detail;
  for (const auto& op : outside) detail += (detail.empty() ? "" : ", ") + op;
  out->push_back({Reason::kOpOutsideList, detail});
}

void CheckNodes(const onnx::GraphProto& graph, std::vector<Finding>* out) {
  ValueFacts facts = CollectFacts(graph);
  for (const auto& node : graph.node()) {
    const std::string& op = node.op_type();
    if (op == "BatchNormalization") {
      const auto* training = FindAttribute(node, "training_mode");
      bool extra_outputs = std::any_of(node.output().begin() + 1, node.output().end(),
                                       [](const std::string& name) { return !name.empty(); });
      if ((training && training->i() != 0) || extra_outputs) {
        out->push_back({Reason::kTrainingMode, NodeLabel(node) + " computes batch statistics"});
      }
    }
    if (op == "Dropout" && node.input_size() > 2 && !node.input(2).empty()) {
      auto it = facts.constant.find(node.input(2));
      std::optional<bool> training =
          it == facts.constant.end() ? std::nullopt : BoolValue(*it->second);
      if (training.value_or(true)) {
        out->push_back({Reason::kTrainingMode, NodeLabel(node) + " has training_mode " +
                                                   (training ? "true" : "not constant")});
      }
    }
    if (kSpatialOps.count(op) && node.input_size() > 0) {
      std::vector<int> spatial;
      if (auto it = facts.rank.find(node.input(0)); it != facts.rank.end()) {
        spatial.push_back(it->second - 2);
      }
      if (const auto* kernel = FindAttribute(node, "kernel_shape")) {
        spatial.push_back(kernel->ints_size());
      }
      if (op == "Conv" && node.input_size() > 1) {
        if (auto it = facts.rank.find(node.input(1)); it != facts.rank.end()) {
          spatial.push_back(it->second - 2);
        }
      }
      for (int dims : spatial) {
        if (dims != 2) {
          out->push_back({Reason::kSpatialRank,
                          NodeLabel(node) + " has " + std::to_string(dims) + " spatial dim(s)"});
          break;
        }
      }
    }
    if (!ListedOps().count(op) && !FoldableGlueOps().count(op)) continue;
    bool meets_runtime_tensor =
        std::any_of(node.input().begin(), node.input().end(),
                    [&](const auto& in) { return !in.empty() && !facts.foldable.count(in); });
    if (!meets_runtime_tensor) continue;  // folded by the converter, whatever the types
    auto slots = kNonFloatSlots.find(op);
    for (int i = 0; i < node.input_size(); ++i) {
      auto type = facts.type.find(node.input(i));
      if (node.input(i).empty() || !facts.foldable.count(node.input(i))) continue;
      if (type == facts.type.end() || IsFloatType(type->second)) continue;
      if (slots != kNonFloatSlots.end() && slots->second.count(i)) continue;
      out->push_back({Reason::kNonFloatConstant, NodeLabel(node) + " input " + std::to_string(i) +
                                                     " '" + node.input(i) + "' is " +
                                                     DataTypeName(type->second)});
    }
  }
}

}  // namespace

const std::vector<ReasonInfo>& AllReasons() { return kReasons; }

const ReasonInfo& Info(Reason reason) {
  for (const auto& info : kReasons) {
    if (info.reason == reason) return info;
  }
  return kReasons.front();  // unreachable: every Reason is in the table
}

const ReasonInfo* FindReason(std::string_view code) {
  for (const auto& info : kReasons) {
    if (code == info.code) return &info;
  }
  return nullptr;
}

const std::set<std::string>& ListedOps() {
  // clang-format off
  static const std::set<std::string> ops = {
      "Conv", "Gemm", "MatMul", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "MaxPool",
      "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization", "Add", "Sub",
      "Mul", "Div", "Max", "Min", "Pow", "Sum", "Concat", "Flatten", "Reshape", "Transpose",
      "Softmax", "LogSoftmax", "Dropout", "Pad", "Slice", "Squeeze", "Unsqueeze", "Identity",
      "Abs", "Neg", "Exp", "Log", "Sqrt", "Floor", "Ceil", "Reciprocal", "Elu", "Selu",
      "HardSigmoid", "HardSwish", "Softplus", "Softsign"};
  // clang-format on
  return ops;
}

const std::set<std::string>& FoldableGlueOps() {
  static const std::set<std::string> ops = {"Constant", "Shape", "Gather", "ConstantOfShape",
                                            "Cast"};
  return ops;
}

bool UsesListedOp(const onnx::ModelProto& model) {
  for (const auto& node : model.graph().node()) {
    if (IsDefaultDomain(node) && ListedOps().count(node.op_type())) return true;
  }
  return false;
}

std::set<std::string> OpTypes(const onnx::ModelProto& model) {
  std::set<std::string> ops;
  for (const auto& node : model.graph().node()) ops.insert(node.op_type());
  return ops;
}

std::vector<Finding> Classify(const onnx::ModelProto& static_model, const DataSet& data) {
  std::vector<Finding> findings;
  CheckIo(static_model.graph(), data, &findings);
  CheckOps(static_model.graph(), &findings);
  CheckNodes(static_model.graph(), &findings);
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.reason < b.reason; });
  return findings;
}

bool Attemptable(const std::vector<Finding>& findings) {
  return std::none_of(findings.begin(), findings.end(),
                      [](const Finding& f) { return !Info(f.reason).attempted; });
}

}  // namespace frost::conformance
