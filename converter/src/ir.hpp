// The converter's intermediate representation: a plain graph of named tensors and nodes.
//
// Importers turn each ONNX node into IR nodes whose op types keep the ONNX names but with
// the semantics of the latest opset (attributes that older opsets had become constant
// inputs, as in opset 13+). Passes rewrite the graph step by step into the ops the .frost
// format knows (FullyConnected, NHWC convolutions, ...), and the writer serialises it.
//
// Shapes: an activation's `shape` is always its logical (ONNX) shape; `nhwc` says it is
// stored [N, H, W, C]. A constant's `shape` is the shape its data is stored in (after the
// layout pass a conv weight is [O, KH, KW, I]), with `nhwc` set when a 4-D constant was
// permuted to go with NHWC activations.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::convert {

enum class DType : uint8_t { kFloat, kInt64, kBool, kInt8 };
const char* DTypeName(DType type);

// int8 quantization (written as the .frost Quantization table): real = scale * (q - zero_point),
// per tensor (axis -1) or per index of the physical axis `axis`.
struct Quantization {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int axis = -1;
};

struct Tensor {
  std::string name;
  DType dtype = DType::kFloat;
  std::vector<int64_t> shape;
  bool shape_known = false;
  bool constant = false;
  std::vector<float> floats;  // constant data when dtype == kFloat
  std::vector<int64_t> ints;  // constant data when dtype is kInt64 or kBool
  std::vector<int8_t> int8s;  // constant data when dtype == kInt8 (quantized weights)
  bool nhwc = false;
  bool store_fp16 = false;    // a float constant written to the file as float16 (--fp16)
  bool panels = false;        // a float weight written in PANELS32 layout (pack_panels)
  std::optional<Quantization> quantization;  // set only by the int8 quantizer, after the passes

  int64_t elements() const;
  int rank() const { return static_cast<int>(shape.size()); }
  // The shape as the runtime sees it: [N, H, W, C] for an NHWC activation.
  std::vector<int64_t> physical_shape() const;
  // Constant data as int64 (floats truncated) or as float, whatever the stored type.
  std::vector<int64_t> IntValues() const;
  std::vector<float> FloatValues() const;
};

struct Attribute {
  enum class Kind { kInt, kFloat, kString, kInts, kFloats, kTensor };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::shared_ptr<const Tensor> tensor;
};

struct Node {
  std::string op;       // IR op type
  std::string onnx_op;  // the ONNX op it came from, for messages
  std::string name;     // the ONNX node name (or its first output when the node had none)
  std::vector<std::string> inputs;  // "" = absent optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attrs;

  const std::string& input(size_t i) const;
  bool HasInput(size_t i) const { return !input(i).empty(); }
  bool Has(const std::string& key) const { return attrs.count(key) != 0; }
  int64_t Int(const std::string& key, int64_t fallback) const;
  float Float(const std::string& key, float fallback) const;
  std::string String(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> Ints(const std::string& key, std::vector<int64_t> fallback = {}) const;
  std::vector<float> Floats(const std::string& key, std::vector<float> fallback = {}) const;
  void SetInt(const std::string& key, int64_t v);
  void SetFloat(const std::string& key, float v);
  void SetString(const std::string& key, const std::string& v);
  void SetInts(const std::string& key, std::vector<int64_t> v);
};

struct Graph {
  int opset = 0;  // of the default ONNX domain
  std::map<std::string, Tensor> tensors;
  std::vector<Node> nodes;  // topological order
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string feature_tensor;  // the head boundary; "" until chosen
  int64_t batch = 1;           // the batch size the stored shapes use
  bool batch_polymorphic = true;

  Tensor* Find(const std::string& name);
  const Tensor* Find(const std::string& name) const;
  // The tensor `name`; created (empty, unknown shape) if it does not exist.
  Tensor& At(const std::string& name);
  bool IsConstant(const std::string& name) const;
  // A tensor name not used yet, derived from `base`.
  std::string UniqueName(const std::string& base) const;
  Tensor& AddConstant(const std::string& base, std::vector<int64_t> shape, std::vector<float> data);
  Tensor& AddIntConstant(const std::string& base, std::vector<int64_t> shape,
                         std::vector<int64_t> data);
  // A new activation tensor with the given logical shape.
  Tensor& AddActivation(const std::string& base, std::vector<int64_t> shape, bool nhwc = false);

  int Producer(const std::string& name) const;  // node index, -1 if none
  std::vector<size_t> Consumers(const std::string& name) const;
  // Graph outputs and the feature tensor: names that must survive every pass.
  bool IsProtected(const std::string& name) const;
  bool IsGraphOutput(const std::string& name) const;
  // Every use of `from` as a node input (not graph outputs) becomes `to`.
  void ReplaceUses(const std::string& from, const std::string& to);
  // Renames a tensor everywhere: the map, node inputs/outputs, graph inputs/outputs, feature.
  void Rename(const std::string& from, const std::string& to);
  // Drops nodes marked by `remove` (same size as nodes) and tensors nothing refers to.
  void RemoveNodes(const std::vector<bool>& remove);
  // Frees tensor `name` now if no node, graph input/output or the feature tensor refers to
  // it (a weight just replaced by its rewritten copy), so large models need less memory.
  void DropIfUnused(const std::string& name);
  void RemoveUnusedTensors();
};

// "node 'NAME' (OpType, opset N): what" — the form of every error about a node.
Status NodeError(const Graph& graph, const Node& node, const std::string& what);

std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace frost::convert

// Returns the Status of `expr` from the calling function when it is an error.
#define FROST_CONVERT_TRY(expr)                             \
  do {                                                      \
    ::frost::Status frost_convert_status = (expr);          \
    if (!frost_convert_status) return frost_convert_status; \
  } while (0)
