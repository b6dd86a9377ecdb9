// What the converter refuses, and how: the message names the node, op type and opset (or
// the file / option at fault), the status is an error, no output file appears, an existing
// output file is left untouched and no temporary file is left behind.
#include <fstream>
#include <sstream>

#include "convert_test_util.hpp"

namespace frost::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Converts `b` over an existing output file and checks the failure leaves no trace.
std::string ExpectRefused(OnnxBuilder& b, ConvertOptions options = {}) {
  TempDir dir;
  const std::string out = dir.File("model.frost");
  { std::ofstream(out) << "previous contents"; }
  options.output_path = out;
  Converted m = Convert(b, dir, options);
  CHECK_FALSE(m.status.ok());
  CHECK(ReadAll(out) == "previous contents");
  CHECK(dir.EntryCount() == 2 + (options.labels_path.empty() ? 0 : 1));  // model.onnx + out
  return m.status.message();
}

void ExpectContains(const std::string& message, const std::string& part) {
  CHECK_MESSAGE(message.find(part) != std::string::npos, "'" << part << "' not in: " << message);
}

TEST_CASE("an unsupported op names the node, op type and opset") {
  OnnxBuilder b(13);
  b.Input("x", {1, 3, 4, 4});
  b.Node("Relu", {"x"}, {"r"});
  b.Node("Upsample", {"r"}, {"y"}, "my_upsample");
  b.Output("y");
  const std::string msg = ExpectRefused(b);
  ExpectContains(msg, "node 'my_upsample' (Upsample, opset 13)");
  ExpectContains(msg, "not supported");
  // And with no previous file, none is created.
  TempDir dir;
  Converted m = Convert(b, dir);
  CHECK_FALSE(m.status.ok());
  CHECK_FALSE(std::filesystem::exists(m.path));
}

struct AttrCase {
  std::string what;
  int opset;
  std::function<void(OnnxBuilder&)> build;  // node "bad" reading "x" [1, 3, 4, 4], output "y"
  std::string expected;
};

TEST_CASE("unsupported attributes and attribute values per opset") {
  const std::vector<AttrCase> cases = {
      {"unknown Conv attribute", 13,
       [](OnnxBuilder& b) {
         b.Initializer("w", {2, 3, 1, 1}, Random(6, 1));
         b.Node("Conv", {"x", "w"}, {"y"}, "bad").Int("winograd", 1);
       },
       "node 'bad' (Conv, opset 13): unsupported attribute 'winograd'"},
      {"MaxPool storage_order", 12,
       [](OnnxBuilder& b) {
         b.Node("MaxPool", {"x"}, {"y"}, "bad")
             .Ints("kernel_shape", {2, 2})
             .Int("storage_order", 1);
       },
       "node 'bad' (MaxPool, opset 12): storage_order"},
      {"MaxPool Indices output used", 12,
       [](OnnxBuilder& b) {
         b.Node("MaxPool", {"x"}, {"m", "idx"}, "bad").Ints("kernel_shape", {2, 2});
         b.Node("Cast", {"idx"}, {"idx_f"}).Int("to", onnx::TensorProto::FLOAT);
         b.Node("Add", {"m", "idx_f"}, {"y"});
       },
       "node 'bad' (MaxPool, opset 12): the Indices output ('idx') is used"},
      {"a third output of Relu", 13,
       [](OnnxBuilder& b) {
         b.Node("Relu", {"x"}, {"y", "", "extra"}, "bad");
       },
       "node 'bad' (Relu, opset 13): output 2 ('extra') is not supported"},
      {"AveragePool ceil_mode before opset 10", 9,
       [](OnnxBuilder& b) {
         b.Node("AveragePool", {"x"}, {"y"}, "bad")
             .Ints("kernel_shape", {2, 2})
             .Int("ceil_mode", 1);
       },
       "node 'bad' (AveragePool, opset 9): ceil_mode needs opset 10"},
      {"BatchNormalization training_mode", 15,
       [](OnnxBuilder& b) {
         for (const char* p : {"s", "bb", "m", "v"}) b.Initializer(p, {3}, {1, 1, 1});
         b.Node("BatchNormalization", {"x", "s", "bb", "m", "v"}, {"y"}, "bad")
             .Int("training_mode", 1);
       },
       "node 'bad' (BatchNormalization, opset 15): training_mode=1"},
      {"BatchNormalization spatial 0", 7,
       [](OnnxBuilder& b) {
         for (const char* p : {"s", "bb", "m", "v"}) b.Initializer(p, {3}, {1, 1, 1});
         b.Node("BatchNormalization", {"x", "s", "bb", "m", "v"}, {"y"}, "bad").Int("spatial", 0);
       },
       "node 'bad' (BatchNormalization, opset 7): spatial=0"},
      {"Pad mode wrap", 13,
       [](OnnxBuilder& b) {
         b.IntInitializer("p", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
         b.Node("Pad", {"x", "p"}, {"y"}, "bad").String("mode", "wrap");
       },
       "node 'bad' (Pad, opset 13): mode 'wrap' is not supported"},
      {"Reshape allowzero with a zero", 14,
       [](OnnxBuilder& b) {
         b.IntInitializer("s", {2}, {0, -1});
         b.Node("Reshape", {"x", "s"}, {"y"}, "bad").Int("allowzero", 1);
       },
       "node 'bad' (Reshape, opset 14): allowzero=1"},
      {"Reshape allowzero before opset 14", 13,
       [](OnnxBuilder& b) {
         b.IntInitializer("s", {2}, {1, -1});
         b.Node("Reshape", {"x", "s"}, {"y"}, "bad").Int("allowzero", 0);
       },
       "node 'bad' (Reshape, opset 13): unsupported attribute 'allowzero'"},
      {"Dropout in training mode", 13,
       [](OnnxBuilder& b) {
         b.Initializer("ratio", {}, {0.5f});
         b.BoolInitializer("t", {}, {true});
         b.Node("Dropout", {"x", "ratio", "t"}, {"y"}, "bad");
       },
       "node 'bad' (Dropout, opset 13): training_mode true"},
      {"Dropout mask used", 10,
       [](OnnxBuilder& b) {
         b.Node("Dropout", {"x"}, {"d", "mask"}, "bad");
         b.Node("Add", {"d", "mask"}, {"y"});
       },
       "node 'bad' (Dropout, opset 10): the mask output ('mask') is used"},
      {"HardSwish before opset 14", 13,
       [](OnnxBuilder& b) { b.Node("HardSwish", {"x"}, {"y"}, "bad"); },
       "node 'bad' (HardSwish, opset 13): this operator needs opset 14"},
      {"Softmax axis out of range", 13,
       [](OnnxBuilder& b) { b.Node("Softmax", {"x"}, {"y"}, "bad").Int("axis", 4); },
       "node 'bad' (Softmax, opset 13): axis 4 is out of range"},
      {"Conv 1-D", 13,
       [](OnnxBuilder& b) {
         b.IntInitializer("s", {3}, {1, 3, 16});
         b.Node("Reshape", {"x", "s"}, {"x1"});
         b.Initializer("w", {2, 3, 3}, Random(18, 1));
         b.Node("Conv", {"x1", "w"}, {"y"}, "bad");
       },
       "node 'bad' (Conv, opset 13): input has rank 3"},
      {"Gather of a run-time tensor", 13,
       [](OnnxBuilder& b) {
         b.IntInitializer("i", {1}, {0});
         b.Node("Gather", {"x", "i"}, {"y"}, "bad").Int("axis", 1);
       },
       "node 'bad' (Gather, opset 13): frost only evaluates this op at conversion, but its "
       "input 'x' is computed at run time"},
      {"Conv weight computed at run time", 13,
       [](OnnxBuilder& b) {
         b.Node("Conv", {"x", "x"}, {"y"}, "bad");
       },
       "node 'bad' (Conv, opset 13): weight 'x' is computed at run time"},
      {"Reshape to a shape computed at run time", 13,
       [](OnnxBuilder& b) {
         b.IntInitializer("i", {4}, {1, 3, 4, 4});
         b.Node("Cast", {"x"}, {"xi"}).Int("to", onnx::TensorProto::INT64);
         b.Node("Reshape", {"x", "xi"}, {"y"}, "bad");
       },
       "node 'bad' (Reshape, opset 13): the shape input ('xi') is computed at run time"},
  };
  for (const AttrCase& c : cases) {
    CAPTURE(c.what);
    OnnxBuilder b(c.opset);
    b.Input("x", {1, 3, 4, 4});
    c.build(b);
    b.Output("y");
    ExpectContains(ExpectRefused(b), c.expected);
  }
}

TEST_CASE("file-level problems: opset range, external data, symbolic dims, int inputs") {
  SUBCASE("opset 19") {
    OnnxBuilder b(19);
    b.Input("x", {1, 3}).Node("Relu", {"x"}, {"y"});
    b.Output("y");
    ExpectContains(ExpectRefused(b), "uses opset 19; frost supports 1 to 18");
  }
  SUBCASE("a legacy attribute of opset 1") {
    OnnxBuilder b(1);
    b.Input("x", {1, 3}).Node("Relu", {"x"}, {"y"}, "old").Ints("consumed_inputs", {0});
    b.Output("y");
    ExpectContains(ExpectRefused(b),
                   "node 'old' (Relu, opset 1): unsupported attribute "
                   "'consumed_inputs'");
  }
  SUBCASE("legacy broadcasting of opset 6") {
    OnnxBuilder b(6);
    b.Input("x", {2, 3});
    b.Initializer("k", {2}, {1, 2});
    b.Node("Add", {"x", "k"}, {"y"}, "old").Int("broadcast", 1).Int("axis", 0);
    b.Output("y");
    ExpectContains(ExpectRefused(b), "node 'old' (Add, opset 6): unsupported attribute");
  }
  SUBCASE("BatchNormalization in training mode by default before opset 7") {
    OnnxBuilder b(6);
    b.Input("x", {1, 3, 2, 2});
    for (const char* p : {"s", "bb", "m", "v"}) b.Initializer(p, {3}, {1, 1, 1});
    b.Node("BatchNormalization", {"x", "s", "bb", "m", "v"}, {"y"}, "old");
    b.Output("y");
    ExpectContains(ExpectRefused(b), "node 'old' (BatchNormalization, opset 6): is_test=0");
  }
  SUBCASE("external data") {
    OnnxBuilder b(13);
    b.Input("x", {1, 3});
    onnx::TensorProto* w = b.proto().mutable_graph()->add_initializer();
    w->set_name("w");
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(3);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* entry = w->add_external_data();
    entry->set_key("location");
    entry->set_value("weights.bin");
    b.Node("Add", {"x", "w"}, {"y"});
    b.Output("y");
    ExpectContains(ExpectRefused(b), "initializer 'w' keeps its data in an external file");
  }
  SUBCASE("a symbolic dim other than the batch") {
    OnnxBuilder b(13);
    b.Input("x", {1, 3, 8, 8});
    b.proto()
        .mutable_graph()
        ->mutable_input(0)
        ->mutable_type()
        ->mutable_tensor_type()
        ->mutable_shape()
        ->mutable_dim(2)
        ->set_dim_param("height");
    b.Node("Relu", {"x"}, {"y"});
    b.Output("y");
    ExpectContains(ExpectRefused(b), "graph input 'x' dimension 2 is 'height'");
  }
  SUBCASE("not an ONNX file") {
    TempDir dir;
    { std::ofstream(dir.File("junk.onnx")) << "this is not protobuf"; }
    ConvertOptions options;
    options.input_path = dir.File("junk.onnx");
    options.output_path = dir.File("out.frost");
    const Status s = frost::Convert(options);
    CHECK_FALSE(s.ok());
    ExpectContains(s.message(), "is not a valid ONNX model");
    CHECK_FALSE(std::filesystem::exists(options.output_path));
  }
  SUBCASE("a missing file") {
    ConvertOptions options;
    options.input_path = "/nonexistent/model.onnx";
    options.output_path = "/tmp/never-written.frost";
    const Status s = frost::Convert(options);
    ExpectContains(s.message(), "cannot open /nonexistent/model.onnx");
  }
}

TEST_CASE("labels whose count does not match the output, and a bad feature tensor") {
  OnnxBuilder b(13);
  b.Input("x", {1, 4});
  b.Initializer("w", {3, 4}, Random(12, 1));
  b.Node("Gemm", {"x", "w"}, {"y"}).Int("transB", 1);
  b.Output("y");
  SUBCASE("labels") {
    TempDir labels_dir;
    const std::string labels = labels_dir.File("labels.txt");
    { std::ofstream(labels) << "cat\ndog\n"; }
    ConvertOptions options;
    options.labels_path = labels;
    TempDir dir;
    options.output_path = dir.File("model.frost");
    Converted m = Convert(b, dir, options);
    CHECK_FALSE(m.status.ok());
    ExpectContains(m.status.message(), "has 2 labels but output 'y' has 3 values per sample");
    CHECK_FALSE(std::filesystem::exists(options.output_path));
  }
  SUBCASE("unknown feature tensor") {
    ConvertOptions options;
    options.feature_tensor = "nope";
    ExpectContains(ExpectRefused(b, options), "--feature-tensor 'nope': no tensor of that name");
  }
  SUBCASE("feature tensor folded away") {
    ConvertOptions options;
    options.feature_tensor = "w";
    ExpectContains(ExpectRefused(b, options), "feature tensor 'w' is a constant");
  }
}

}  // namespace
}  // namespace frost::testing
