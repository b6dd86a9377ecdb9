// The ONNX loader (tensor encodings, Constant nodes, initializers listed as inputs) and the
// converter's own tensor helpers.
#include <cstring>

#include "convert_test_util.hpp"
#include "importer.hpp"
#include "reference_ops.hpp"
#include "tensor_math.hpp"

namespace frost::testing {
namespace {

TEST_CASE("broadcast offsets and permutations follow numpy") {
  using convert::BroadcastOffsets;
  CHECK(BroadcastOffsets({3, 1}, {2, 3, 4}) == std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1,
                                                                    2, 2, 2, 2, 0, 0, 0, 0,
                                                                    1, 1, 1, 1, 2, 2, 2, 2});
  CHECK(BroadcastOffsets({}, {2}) == std::vector<int64_t>{0, 0});
  std::vector<int64_t> out;
  CHECK(convert::BroadcastShapes({4, 1, 3}, {5, 1}, &out));
  CHECK(out == std::vector<int64_t>{4, 5, 3});
  CHECK_FALSE(convert::BroadcastShapes({2, 3}, {4, 3}, &out));
  const std::vector<float> x = {0, 1, 2, 3, 4, 5};  // [2, 3]
  CHECK(convert::Permute(x, {2, 3}, {1, 0}) == std::vector<float>{0, 3, 1, 4, 2, 5});
  const std::vector<float> nchw = Random(2 * 3 * 4 * 5, 1);
  CHECK(convert::Permute(nchw, {2, 3, 4, 5}, convert::kToNhwc) ==
        RefTranspose(nchw, {2, 3, 4, 5}, {0, 2, 3, 1}));
}

TEST_CASE("every op the converter promises has an importer") {
  for (const char* op : {"Conv",
                         "Gemm",
                         "MatMul",
                         "Relu",
                         "LeakyRelu",
                         "Clip",
                         "Sigmoid",
                         "Tanh",
                         "Abs",
                         "Neg",
                         "Exp",
                         "Log",
                         "Sqrt",
                         "Floor",
                         "Ceil",
                         "Reciprocal",
                         "Elu",
                         "Selu",
                         "HardSigmoid",
                         "HardSwish",
                         "Softplus",
                         "Softsign",
                         "MaxPool",
                         "AveragePool",
                         "GlobalAveragePool",
                         "GlobalMaxPool",
                         "BatchNormalization",
                         "Add",
                         "Sub",
                         "Mul",
                         "Div",
                         "Max",
                         "Min",
                         "Pow",
                         "Sum",
                         "Concat",
                         "Flatten",
                         "Reshape",
                         "Transpose",
                         "Softmax",
                         "LogSoftmax",
                         "Dropout",
                         "Identity",
                         "Pad",
                         "Slice",
                         "Squeeze",
                         "Unsqueeze",
                         "Shape",
                         "Gather",
                         "ConstantOfShape",
                         "Cast",
                         "Range",
                         "Equal",
                         "Where",
                         "Expand"}) {
    CAPTURE(op);
    CHECK(convert::FindImporter(op) != nullptr);
  }
  CHECK(convert::FindImporter("LSTM") == nullptr);
}

// One float initializer added to the input; `init` is how the initializer is stored.
std::vector<float> AddInitializer(const onnx::TensorProto& init) {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, 4});
  *b.proto().mutable_graph()->add_initializer() = init;
  b.Node("Add", {"x", init.name()}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  return Run(m.model, std::vector<float>(4, 0.f));
}

TEST_CASE("initializers in raw_data and in the typed fields, of float types") {
  const std::vector<float> values = {0.5f, -1.25f, 3.f, 1024.f};
  CHECK(AddInitializer(FloatTensor("k", {4}, values, /*raw=*/true)) == values);
  CHECK(AddInitializer(FloatTensor("k", {4}, values, /*raw=*/false)) == values);
  onnx::TensorProto d;
  d.set_name("k");
  d.set_data_type(onnx::TensorProto::DOUBLE);
  d.add_dims(4);
  for (float v : values) d.add_double_data(v);
  CHECK(AddInitializer(d) == values);
  // float16 bits of the same values, raw and in int32_data.
  const uint16_t halves[4] = {0x3800, 0xBD00, 0x4200, 0x6400};
  onnx::TensorProto h;
  h.set_name("k");
  h.set_data_type(onnx::TensorProto::FLOAT16);
  h.add_dims(4);
  h.set_raw_data(std::string(reinterpret_cast<const char*>(halves), sizeof halves));
  CHECK(AddInitializer(h) == values);
  h.clear_raw_data();
  for (uint16_t v : halves) h.add_int32_data(v);
  CHECK(AddInitializer(h) == values);
}

TEST_CASE("Constant nodes in all their forms, and initializers listed as graph inputs") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, 3});
  // An old-style exporter lists the initializer among the inputs too.
  b.Input("k", {3});
  b.Initializer("k", {3}, {1, 2, 3});
  b.Node("Constant", {}, {"f"}).Float("value_float", 0.5f);
  b.Node("Constant", {}, {"fs"}).Floats("value_floats", {1, 1, 2});
  b.Node("Constant", {}, {"i"}).Int("value_int", 2);
  b.Node("Constant", {}, {"is"}).Ints("value_ints", {1, 3});
  b.Node("Cast", {"i"}, {"i_f"}).Int("to", onnx::TensorProto::FLOAT);
  b.Node("Reshape", {"fs", "is"}, {"fs2"});  // [1, 3]
  b.Node("Mul", {"x", "f"}, {"a"});
  b.Node("Add", {"a", "k"}, {"b"});
  b.Node("Mul", {"b", "fs2"}, {"c"});
  b.Node("Sub", {"c", "i_f"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->inputs().size() == 1);
  const std::vector<float> x = {2, 4, 6};
  ExpectClose(Run(m.model, x), {(1 + 1) * 1 - 2.f, (2 + 2) * 1 - 2.f, (3 + 3) * 2 - 2.f});
}

TEST_CASE("int64 glue arithmetic: Range, Equal, Where, Expand fold") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {2, 3});
  b.IntConstant("start", {}, {0}).IntConstant("limit", {}, {3}).IntConstant("delta", {}, {1});
  b.Node("Range", {"start", "limit", "delta"}, {"r"});  // [0, 1, 2]
  b.IntConstant("one", {}, {1});
  b.Node("Equal", {"r", "one"}, {"is_one"});  // [F, T, F]
  b.FloatConstant("ten", {}, {10.f}).FloatConstant("zero", {}, {0.f});
  b.Node("Where", {"is_one", "ten", "zero"}, {"w"});  // [0, 10, 0]
  b.IntConstant("shape", {2}, {2, 3});
  b.Node("Expand", {"w", "shape"}, {"e"});  // [2, 3]
  b.Node("Add", {"x", "e"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(NumOps(*m.model) == 1);
  ExpectClose(Run(m.model, {1, 1, 1, 2, 2, 2}), {1, 11, 1, 2, 12, 2});
}

}  // namespace
}  // namespace frost::testing
