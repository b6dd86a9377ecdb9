// Test-only builder of small ONNX models in C++ (no Python needed).
//
//   frost::testing::OnnxBuilder b(/*opset=*/13);
//   b.Input("x", {1, 3, 8, 8});
//   b.Initializer("w", {4, 3, 3, 3}, weights);
//   b.Node("Conv", {"x", "w"}, {"y"}).Ints("pads", {1, 1, 1, 1});
//   b.Output("y");
//   std::string path = b.Save(dir + "/model.onnx");
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace frost::testing {

// Attribute setters for one node, chainable.
class NodeRef {
 public:
  explicit NodeRef(onnx::NodeProto* node) : node_(node) {}
  NodeRef& Int(const std::string& name, int64_t v) {
    auto* a = Add(name, onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  NodeRef& Float(const std::string& name, float v) {
    auto* a = Add(name, onnx::AttributeProto::FLOAT);
    a->set_f(v);
    return *this;
  }
  NodeRef& String(const std::string& name, const std::string& v) {
    auto* a = Add(name, onnx::AttributeProto::STRING);
    a->set_s(v);
    return *this;
  }
  NodeRef& Ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = Add(name, onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }
  NodeRef& Floats(const std::string& name, const std::vector<float>& v) {
    auto* a = Add(name, onnx::AttributeProto::FLOATS);
    for (float x : v) a->add_floats(x);
    return *this;
  }
  NodeRef& Tensor(const std::string& name, const onnx::TensorProto& t) {
    auto* a = Add(name, onnx::AttributeProto::TENSOR);
    *a->mutable_t() = t;
    return *this;
  }
  onnx::NodeProto& proto() { return *node_; }

 private:
  onnx::AttributeProto* Add(const std::string& name, onnx::AttributeProto::AttributeType type) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  }
  onnx::NodeProto* node_;
};

inline onnx::TensorProto FloatTensor(const std::string& name, const std::vector<int64_t>& shape,
                                     const std::vector<float>& data, bool raw = true) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t.add_dims(d);
  if (raw) {
    t.set_raw_data(
        std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
  } else {
    for (float v : data) t.add_float_data(v);
  }
  return t;
}

inline onnx::TensorProto IntTensor(const std::string& name, const std::vector<int64_t>& shape,
                                   const std::vector<int64_t>& data, bool raw = false) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : shape) t.add_dims(d);
  if (raw) {
    t.set_raw_data(
        std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(int64_t)));
  } else {
    for (int64_t v : data) t.add_int64_data(v);
  }
  return t;
}

inline onnx::TensorProto BoolTensor(const std::string& name, const std::vector<int64_t>& shape,
                                    const std::vector<bool>& data) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::BOOL);
  for (int64_t d : shape) t.add_dims(d);
  for (bool v : data) t.add_int32_data(v);
  return t;
}

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 13) {
    model_.set_ir_version(8);
    model_.set_producer_name("frost-test");
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  // A float graph input; a dynamic batch makes dim 0 symbolic ("batch").
  OnnxBuilder& Input(const std::string& name, const std::vector<int64_t>& shape,
                     bool dynamic_batch = false) {
    auto* in = model_.mutable_graph()->add_input();
    in->set_name(name);
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* s = tt->mutable_shape();
    for (size_t i = 0; i < shape.size(); ++i) {
      auto* d = s->add_dim();
      if (i == 0 && dynamic_batch) {
        d->set_dim_param("batch");
      } else {
        d->set_dim_value(shape[i]);
      }
    }
    return *this;
  }
  OnnxBuilder& Output(const std::string& name) {
    auto* out = model_.mutable_graph()->add_output();
    out->set_name(name);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    return *this;
  }
  OnnxBuilder& Initializer(const std::string& name, const std::vector<int64_t>& shape,
                           const std::vector<float>& data, bool raw = true) {
    *model_.mutable_graph()->add_initializer() = FloatTensor(name, shape, data, raw);
    return *this;
  }
  OnnxBuilder& IntInitializer(const std::string& name, const std::vector<int64_t>& shape,
                              const std::vector<int64_t>& data) {
    *model_.mutable_graph()->add_initializer() = IntTensor(name, shape, data);
    return *this;
  }
  OnnxBuilder& BoolInitializer(const std::string& name, const std::vector<int64_t>& shape,
                               const std::vector<bool>& data) {
    *model_.mutable_graph()->add_initializer() = BoolTensor(name, shape, data);
    return *this;
  }
  // A Constant node holding an int64 tensor (how exporters write shape glue constants).
  OnnxBuilder& IntConstant(const std::string& name, const std::vector<int64_t>& shape,
                           const std::vector<int64_t>& data) {
    Node("Constant", {}, {name}, name + "_node").Tensor("value", IntTensor(name, shape, data));
    return *this;
  }
  OnnxBuilder& FloatConstant(const std::string& name, const std::vector<int64_t>& shape,
                             const std::vector<float>& data) {
    Node("Constant", {}, {name}, name + "_node").Tensor("value", FloatTensor(name, shape, data));
    return *this;
  }
  NodeRef Node(const std::string& op, const std::vector<std::string>& inputs,
               const std::vector<std::string>& outputs, const std::string& name = "") {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + std::to_string(model_.graph().node_size()) : name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return NodeRef(n);
  }
  onnx::ModelProto& proto() { return model_; }

  std::string Save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    model_.SerializeToOstream(&out);
    return path;
  }

 private:
  onnx::ModelProto model_;
};

}  // namespace frost::testing
