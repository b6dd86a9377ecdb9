// `frost convert` end to end: a tiny ONNX classifier written with the protobuf API, converted
// by the built executable, then inspected and run by it.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>  // with ONNX_ML defined: the onnx-ml.proto messages
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>

#include "frost/io/npy.hpp"
#include "model_builder.hpp"
#include "test_util.hpp"

using frost::testing::Contains;
using frost::testing::Frost;
using frost::testing::Result;
using frost::testing::ScratchDir;

namespace {


void AddInitializer(onnx::GraphProto* graph, const std::string& name,
                    const std::vector<int64_t>& dims, const std::vector<float>& values) {
  onnx::TensorProto* t = graph->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
}

void AddValueInfo(onnx::ValueInfoProto* info, const std::string& name,
                  const std::vector<int64_t>& dims, const std::string& batch_param = "") {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  for (size_t i = 0; i < dims.size(); ++i) {
    auto* dim = tensor->mutable_shape()->add_dim();
    if (i == 0 && !batch_param.empty())
      dim->set_dim_param(batch_param);
    else
      dim->set_dim_value(dims[i]);
  }
}

// input [N, 3, 4, 4] -> Flatten -> Gemm(W [3, 48], b [3], transB) -> logits [N, 3]
// (+ an extra node of op type `extra_op` to make the converter fail, when given).
void WriteTinyOnnx(const std::string& path, const std::vector<float>& w,
                   const std::vector<float>& b, bool dynamic_batch,
                   const std::string& extra_op = "") {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.set_producer_name("frost cli test");
  model.add_opset_import()->set_version(13);
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("tiny");
  AddValueInfo(graph->add_input(), "input", {1, 3, 4, 4}, dynamic_batch ? "N" : "");
  AddInitializer(graph, "fc.weight", {3, 48}, w);
  AddInitializer(graph, "fc.bias", {3}, b);
  onnx::NodeProto* flatten = graph->add_node();
  flatten->set_name("flatten");
  flatten->set_op_type("Flatten");
  flatten->add_input("input");
  flatten->add_output("features");
  auto* axis = flatten->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  onnx::NodeProto* gemm = graph->add_node();
  gemm->set_name("fc");
  gemm->set_op_type("Gemm");
  gemm->add_input("features");
  gemm->add_input("fc.weight");
  gemm->add_input("fc.bias");
  gemm->add_output(extra_op.empty() ? "logits" : "pre");
  auto* trans_b = gemm->add_attribute();
  trans_b->set_name("transB");
  trans_b->set_type(onnx::AttributeProto::INT);
  trans_b->set_i(1);
  if (!extra_op.empty()) {
    onnx::NodeProto* extra = graph->add_node();
    extra->set_name("strange_node");
    extra->set_op_type(extra_op);
    extra->add_input("pre");
    extra->add_output("logits");
  }
  AddValueInfo(graph->add_output(), "logits", {1, 3}, dynamic_batch ? "N" : "");
  std::ofstream out(path, std::ios::binary);
  REQUIRE(model.SerializeToOstream(&out));
}

std::vector<float> RandomValues(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// `frost run MODEL --input x.npy --output y.npy` on samples [N, 3, 4, 4] (N from x's size).
frost::io::NpyArray RunNpy(const ScratchDir& dir, const std::string& model,
                           const std::vector<float>& x) {
  REQUIRE(frost::io::WriteNpy(dir.File("x.npy"), {int64_t(x.size() / 48), 3, 4, 4}, x.data()));
  const Result r = Frost(
      dir, "run " + model + " --input " + dir.File("x.npy") + " --output " + dir.File("y.npy"));
  REQUIRE_MESSAGE(r.code == 0, r.err);
  frost::io::NpyArray y;
  REQUIRE(frost::io::ReadNpy(dir.File("y.npy"), &y));
  return y;
}

}  // namespace

TEST_CASE("cli convert: records preprocessing and labels; info and run use the result") {
  ScratchDir dir("cli_convert");
  const std::vector<float> w = RandomValues(3 * 48, 11), b = {0.1f, -0.2f, 0.3f};
  bool dynamic_batch = false;
  SUBCASE("static batch axis") { dynamic_batch = false; }
  SUBCASE("dynamic batch axis") { dynamic_batch = true; }
  CAPTURE(dynamic_batch);
  const std::string onnx_path = dir.File("tiny.onnx");
  WriteTinyOnnx(onnx_path, w, b, dynamic_batch);
  frost::testing::WriteBytes(dir.File("labels.txt"), "cat\ndog\nbird\n");
  const std::string model = dir.File("tiny.frost");
  Result r = Frost(dir, "convert " + onnx_path + " " + model + " --mean 0.5,0.5,0.5 --std " +
                            "0.25,0.25,0.25 --scale 0.5 --bgr --crop 0.875 --labels " +
                            dir.File("labels.txt") + " -v");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "wrote " + model));
  CHECK(std::filesystem::exists(model));

  r = Frost(dir, "info --json " + model);
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["preprocessing"]["mean"] == std::vector<float>{0.5f, 0.5f, 0.5f});
  CHECK(j["preprocessing"]["std"] == std::vector<float>{0.25f, 0.25f, 0.25f});
  CHECK(j["preprocessing"]["scale"] == 0.5);
  CHECK(j["preprocessing"]["channel_order"] == "BGR");
  CHECK(j["preprocessing"]["crop_fraction"].get<double>() == doctest::Approx(0.875));
  CHECK(j["labels"]["names"] == std::vector<std::string>{"cat", "dog", "bird"});
  CHECK(j["inputs"][0]["shape"] == std::vector<int64_t>{1, 3, 4, 4});
  CHECK(j["params"] == 147);
  CHECK(j["head"]["params"] == 147);
  CHECK(j["head"]["shape"] == std::vector<int64_t>{1, 48});
  CHECK(Contains(j["source"].get<std::string>(), "tiny.onnx"));

  // Four samples through a batch-1 export: all four run, four outputs come back.
  const std::vector<float> x = RandomValues(4 * 48, 12);
  const frost::io::NpyArray y = RunNpy(dir, model, x);
  REQUIRE(y.shape == std::vector<int64_t>{4, 3});
  for (int s = 0; s < 4; ++s) {
    for (int o = 0; o < 3; ++o) {
      double expected = b[o];
      for (int k = 0; k < 48; ++k) expected += double(w[o * 48 + k]) * x[s * 48 + k];
      CHECK(y.data[s * 3 + o] == doctest::Approx(expected).epsilon(1e-5));
    }
  }
}

TEST_CASE("cli convert: defaults are ImageNet statistics on pixel / 255, RGB") {
  ScratchDir dir("cli_convert_defaults");
  WriteTinyOnnx(dir.File("tiny.onnx"), RandomValues(144, 1), {0, 0, 0}, false);
  Result r = Frost(dir, "convert " + dir.File("tiny.onnx") + " " + dir.File("tiny.frost"));
  INFO(r.err);
  REQUIRE(r.code == 0);
  r = Frost(dir, "info --json " + dir.File("tiny.frost"));
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["preprocessing"]["mean"] == std::vector<float>{0.485f, 0.456f, 0.406f});
  CHECK(j["preprocessing"]["std"] == std::vector<float>{0.229f, 0.224f, 0.225f});
  CHECK(j["preprocessing"]["scale"].get<double>() == doctest::Approx(1.0 / 255));
  CHECK(j["preprocessing"]["channel_order"] == "RGB");
  CHECK(j["labels"]["count"] == 0);
}

TEST_CASE("cli convert: failures exit 1 (bad model) or 2 (bad options), leaving no file") {
  ScratchDir dir("cli_convert_errors");
  WriteTinyOnnx(dir.File("odd.onnx"), RandomValues(144, 1), {0, 0, 0}, false, "NoSuchOp");
  Result r = Frost(dir, "convert " + dir.File("odd.onnx") + " " + dir.File("odd.frost"));
  CHECK(r.code == 1);
  CHECK(r.err.rfind("frost: ", 0) == 0);
  CHECK(Contains(r.err, "strange_node"));
  CHECK(Contains(r.err, "NoSuchOp"));
  CHECK_FALSE(std::filesystem::exists(dir.File("odd.frost")));

  r = Frost(dir, "convert " + dir.File("missing.onnx") + " " + dir.File("m.frost"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "missing.onnx"));
  frost::testing::WriteBytes(dir.File("junk.onnx"), "definitely not protobuf \xff\xff\xff");
  r = Frost(dir, "convert " + dir.File("junk.onnx") + " " + dir.File("j.frost"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "junk.onnx"));
  CHECK_FALSE(std::filesystem::exists(dir.File("j.frost")));

  WriteTinyOnnx(dir.File("tiny.onnx"), RandomValues(144, 1), {0, 0, 0}, false);
  r = Frost(dir, "convert " + dir.File("tiny.onnx") + " " + dir.File("t.frost") + " --crop 1.5");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--crop"));
  r = Frost(dir, "convert " + dir.File("tiny.onnx"));
  CHECK(r.code == 2);
  r = Frost(dir, "convert " + dir.File("tiny.onnx") + " " + dir.File("t.frost") + " --mean a,b");
  CHECK(r.code == 2);
  r = Frost(dir, "convert " + dir.File("tiny.onnx") + " " + dir.File("t.frost") + " --labels " +
                     dir.File("no_labels.txt"));
  CHECK(r.code == 2);
  CHECK_FALSE(std::filesystem::exists(dir.File("t.frost")));
}

TEST_CASE("cli convert --fp16: float16 weights, shown by info, and the model runs") {
  ScratchDir dir("cli_convert_fp16");
  const std::vector<float> w = RandomValues(3 * 48, 21), b = {0.1f, -0.2f, 0.3f};
  WriteTinyOnnx(dir.File("tiny.onnx"), w, b, false);
  const std::string model = dir.File("tiny16.frost");
  Result r = Frost(dir, "convert " + dir.File("tiny.onnx") + " " + model + " --fp16 -v");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.err, "store_fp16: 1 weight tensors (144 values) stored as float16"));

  r = Frost(dir, "info --json " + model);
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["weights"]["float16"]["params"] == 144);
  CHECK(j["weights"]["float16"]["bytes"] == 288);
  CHECK(j["weights"]["float32"]["params"] == 3);
  CHECK(j["weights"]["float32"]["bytes"] == 12);
  CHECK(j["memory"]["weight_bytes"] == 300);
  CHECK(j["params"] == 147);
  r = Frost(dir, "info " + model);
  CHECK(Contains(r.out, "weights       float16 144 params (288 B), float32 3 params (12 B)\n"));

  // It computes with the weights rounded to float16 (relative error at most 2^-11 each).
  const std::vector<float> x = RandomValues(2 * 48, 22);
  const frost::io::NpyArray y = RunNpy(dir, model, x);
  for (int s = 0; s < 2; ++s) {
    for (int o = 0; o < 3; ++o) {
      double expected = b[o], bound = 0;
      for (int k = 0; k < 48; ++k) {
        expected += double(w[o * 48 + k]) * x[s * 48 + k];
        bound += std::abs(double(w[o * 48 + k]) * x[s * 48 + k]) / 2048;
      }
      CHECK(std::abs(y.data[s * 3 + o] - expected) <= bound + 1e-6);
    }
  }
}

TEST_CASE("cli convert --quantize int8: flags, calibration errors, and info on an int8 model") {
  ScratchDir dir("cli_convert_int8");
  WriteTinyOnnx(dir.File("tiny.onnx"), RandomValues(144, 1), {0, 0, 0}, false);
  const std::vector<float> images = RandomValues(6 * 48, 2), labels = {0, 1, 2, 0, 1, 2};
  REQUIRE(frost::io::WriteNpy(dir.File("images.npy"), {6, 3, 4, 4}, images.data()));
  REQUIRE(frost::io::WriteNpy(dir.File("labels.npy"), {6}, labels.data()));
  const std::string data = "npy:" + dir.File("images.npy") + "," + dir.File("labels.npy");
  const std::string convert = "convert " + dir.File("tiny.onnx") + " -o " + dir.File("q.frost");
  // The tiny model is all classifier, which stays float32: the file has no INT8 weight.
  Result r = Frost(dir, convert + " --quantize int8 --calibration " + data);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "wrote " + dir.File("q.frost")));
  r = Frost(dir, "info --json " + dir.File("q.frost"));
  REQUIRE(r.code == 0);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["int8_ops"].empty());
  CHECK(j["weights"]["float32"]["params"] == 147);
  std::filesystem::remove(dir.File("q.frost"));

  r = Frost(dir, convert + " --quantize int8");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--quantize int8 needs --calibration DIR"));
  r = Frost(dir, convert + " --calibration " + data);
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--calibration needs --quantize int8"));
  r = Frost(dir, convert + " --quantize int4 --calibration " + data);
  CHECK(r.code == 2);
  r = Frost(dir, convert + " --quantize int8 --calibration " + dir.File("no_images"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "--calibration: data set '" + dir.File("no_images") + "' does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir.File("q.frost")));

  // info on a model with an int8 convolution (1x1, 8 -> 4 channels).
  frost::testing::ModelBuilder b;
  int x = b.Input("x", {1, 4, 4, 8});
  b.SetQuantization(x, {0.02f}, {0});
  int w = b.ConstantInt8("w", {4, 1, 1, 8}, std::vector<int8_t>(32, 3), {0.1f, 0.1f, 0.2f, 0.2f},
                         {0, 0, 0, 0}, 0);
  int y = b.AddOp("conv", frost::schema::CreateConv2D(b.fbb(), 1, 1), {x, w}, {1, 4, 4, 4});
  b.SetQuantization(y, {0.05f}, {-10});
  b.Output(y);
  REQUIRE(b.Finish().WriteFile(dir.File("int8.frost")));
  r = Frost(dir, "info " + dir.File("int8.frost"));
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "int8 ops      Conv2D 1"));
  CHECK(Contains(r.out, "int8 32 params (32 B)"));
  r = Frost(dir, "info --json " + dir.File("int8.frost"));
  j = nlohmann::json::parse(r.out);
  CHECK(j["int8_ops"]["Conv2D"] == 1);
  CHECK(j["weights"]["int8"]["bytes"] == 32);
}

TEST_CASE("cli convert --no-fuse-residual keeps the shortcut Adds; fused or not, same outputs") {
  // The embedded Fashion ResNet: four blocks, each ending in Add + Relu.
  ScratchDir dir("cli_convert_residual");
  const std::string onnx = FROST_SOURCE_DIR "/models/fashion_resnet.onnx";
  const std::string fused = dir.File("fused.frost"), plain = dir.File("plain.frost");
  Result r = Frost(dir, "convert " + onnx + " " + fused + " -v");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(Contains(r.err, "fuse_residual_add: Add into Conv 4"));
  r = Frost(dir, "convert " + onnx + " " + plain + " --no-fuse-residual -v");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK_FALSE(Contains(r.err, "fuse_residual_add"));
  nlohmann::json ops[2];
  for (int i = 0; i < 2; ++i) {
    r = Frost(dir, "info --json " + (i == 0 ? fused : plain));
    REQUIRE(r.code == 0);
    ops[i] = nlohmann::json::parse(r.out)["ops"];
  }
  CHECK_FALSE(ops[0]["by_type"].contains("Binary"));
  CHECK(ops[1]["by_type"]["Binary"] == 4);
  CHECK(ops[1]["total"].get<int>() == ops[0]["total"].get<int>() + 4);
  const std::vector<float> x = RandomValues(2 * 3 * 28 * 28, 31);
  REQUIRE(frost::io::WriteNpy(dir.File("x.npy"), {2, 3, 28, 28}, x.data()));
  frost::io::NpyArray y[2];
  for (int i = 0; i < 2; ++i) {
    r = Frost(dir, "run " + (i == 0 ? fused : plain) + " --threads 2 --input " + dir.File("x.npy") +
                       " --output " + dir.File("y.npy"));
    REQUIRE_MESSAGE(r.code == 0, r.err);
    REQUIRE(frost::io::ReadNpy(dir.File("y.npy"), &y[i]));
  }
  REQUIRE(y[0].data.size() == y[1].data.size());
  for (size_t i = 0; i < y[0].data.size(); ++i) {
    CHECK(std::abs(y[0].data[i] - y[1].data[i]) <= 1e-5f * (1 + std::abs(y[1].data[i])));
  }
}
