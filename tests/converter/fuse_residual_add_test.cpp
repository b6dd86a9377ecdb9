// fuse_residual_add: a ResNet block's shortcut Add (+ Relu) becomes the residual input of the
// Conv producing one of its operands. Checked on torchvision-shaped blocks (BatchNorm kept in
// the graph, identity and downsampling shortcuts), fused against unfused on every kernel
// choice, and the cases it must leave alone.
#include "convert_test_util.hpp"
#include "frost/io/npy.hpp"
#include "kernel_choices.hpp"
#include "passes/pass.hpp"

namespace frost::testing {
namespace {

// A torchvision BasicBlock (conv3x3-BN-Relu-conv3x3-BN, shortcut: the input, or conv1x1
// stride s + BN; Add; Relu) followed by GlobalAveragePool, Flatten and a classifier Gemm, so
// that the Add's output is no graph output. Input [1, c_in, hw, hw], dynamic batch.
struct BasicBlock {
  int64_t c_in = 64, c_out = 64, hw = 8, stride = 1;

  bool downsample() const { return stride != 1 || c_in != c_out; }

  static void BatchNorm(OnnxBuilder& b, const std::string& in, const std::string& out, int64_t c,
                        uint32_t seed) {
    const std::string p = out + "_";
    b.Initializer(p + "s", {c}, Random(c, seed, 0.5f, 1.5f));
    b.Initializer(p + "b", {c}, Random(c, seed + 1));
    b.Initializer(p + "m", {c}, Random(c, seed + 2));
    b.Initializer(p + "v", {c}, Random(c, seed + 3, 0.5f, 2.f));
    b.Node("BatchNormalization", {in, p + "s", p + "b", p + "m", p + "v"}, {out});
  }

  OnnxBuilder Build() const {
    OnnxBuilder b(13);
    b.Input("x", {1, c_in, hw, hw}, /*dynamic_batch=*/true);
    b.Initializer("w1", {c_out, c_in, 3, 3}, Random(c_out * c_in * 9, 1, -0.1f, 0.1f));
    b.Initializer("w2", {c_out, c_out, 3, 3}, Random(c_out * c_out * 9, 2, -0.1f, 0.1f));
    b.Node("Conv", {"x", "w1"}, {"c1"})
        .Ints("kernel_shape", {3, 3})
        .Ints("pads", {1, 1, 1, 1})
        .Ints("strides", {stride, stride});
    BatchNorm(b, "c1", "n1", c_out, 10);
    b.Node("Relu", {"n1"}, {"r1"});
    b.Node("Conv", {"r1", "w2"}, {"c2"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
    BatchNorm(b, "c2", "n2", c_out, 20);
    std::string shortcut = "x";
    if (downsample()) {
      b.Initializer("wd", {c_out, c_in, 1, 1}, Random(c_out * c_in, 3, -0.2f, 0.2f));
      b.Node("Conv", {"x", "wd"}, {"cd"})
          .Ints("kernel_shape", {1, 1})
          .Ints("strides", {stride, stride});
      BatchNorm(b, "cd", "nd", c_out, 30);
      shortcut = "nd";
    }
    b.Node("Add", {"n2", shortcut}, {"sum"});
    b.Node("Relu", {"sum"}, {"block"});
    b.Node("GlobalAveragePool", {"block"}, {"g"});
    b.Node("Flatten", {"g"}, {"f"});
    b.Initializer("wf", {10, c_out}, Random(10 * c_out, 4)).Initializer("bf", {10}, Random(10, 5));
    b.Node("Gemm", {"f", "wf", "bf"}, {"y"}).Int("transB", 1);
    b.Output("y");
    return b;
  }
};

// The model's output for `x` at `batch` with `kernels` on `threads` (reference: the plain
// kernels).
std::vector<float> RunWith(const std::shared_ptr<const Model>& model, const std::vector<float>& x,
                           int64_t batch, bool reference, ConvKernels kernels, int threads) {
  std::unique_ptr<Session> session;
  SessionOptions options;
  options.reference = reference;
  options.conv_kernels = kernels;
  options.threads = threads;
  Status s = Session::Create(model, options, &session);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::vector<float> y(session->OutputElements(0, batch));
  s = session->Run(x.data(), batch, y.data());
  REQUIRE_MESSAGE(s.ok(), s.message());
  return y;
}

// Conv2D ops that carry a residual (a 4th input).
int ResidualConvs(const Model& model) {
  int n = 0;
  for (const auto* op : *model.flatbuffer()->operators()) {
    n += op->options_type() == schema::OpOptions::Conv2D && op->inputs()->size() == 4 &&
         op->inputs()->Get(3) >= 0;
  }
  return n;
}

Converted ConvertWith(OnnxBuilder& b, const TempDir& dir, bool fuse, const std::string& name) {
  ConvertOptions options;
  options.fuse_residual_add = fuse;
  options.output_path = dir.File(name);
  return Convert(b, dir, options);
}

TEST_CASE("a ResNet block's Add and Relu fuse into its last Conv; outputs as unfused") {
  const std::vector<BasicBlock> blocks = {
      {},                                       // identity shortcut, 64 channels
      {.c_in = 64, .c_out = 128, .stride = 2},  // downsampling shortcut: two candidate Convs
      {.c_in = 16, .c_out = 16, .hw = 9},       // XNNPACK's conv + add by default
  };
  for (const BasicBlock& block : blocks) {
    CAPTURE(block.c_in);
    CAPTURE(block.c_out);
    TempDir dir;
    OnnxBuilder b = block.Build();
    Converted fused = ConvertWith(b, dir, true, "fused.frost");
    REQUIRE_MESSAGE(fused.status.ok(), fused.status.message());
    Converted plain = ConvertWith(b, dir, false, "plain.frost");
    REQUIRE_MESSAGE(plain.status.ok(), plain.status.message());
    CHECK(OpCount(*plain.model, "Binary") == 1);
    CHECK(ResidualConvs(*plain.model) == 0);
    CHECK(OpCount(*fused.model, "Binary") == 0);
    CHECK(ResidualConvs(*fused.model) == 1);
    CHECK(OpCount(*fused.model, "Conv2D") == OpCount(*plain.model, "Conv2D"));
    CHECK(NumOps(*fused.model) == NumOps(*plain.model) - 1);
    CHECK(std::find(fused.report.log.begin(), fused.report.log.end(),
                    "fuse_residual_add: Add into Conv 1") != fused.report.log.end());
    // The fused Conv takes the Add's Relu and writes the Add's (Relu's) output tensor.
    for (const auto* op : *fused.model->flatbuffer()->operators()) {
      if (op->options_type() != schema::OpOptions::Conv2D || op->inputs()->size() < 4) continue;
      CHECK(op->options_as_Conv2D()->fused()->kind() == schema::FusedActivation::RELU);
      CHECK(fused.model->flatbuffer()->tensors()->Get(op->outputs()->Get(0))->name()->str() ==
            "block");
    }
    // With a downsampling shortcut the later Conv (the shortcut's, exported after the main
    // path's) takes the residual.
    if (block.downsample()) {
      const auto* ops = fused.model->flatbuffer()->operators();
      bool found = false;
      for (const auto* op : *ops) {
        if (op->options_type() == schema::OpOptions::Conv2D && op->inputs()->size() == 4) {
          found = true;
          CHECK(op->options_as_Conv2D()->kernel_h() == 1);
        }
      }
      CHECK(found);
    }
    for (int64_t batch : {1, 2}) {
      const std::vector<float> x = Random(size_t(batch * block.c_in * block.hw * block.hw), 7);
      const std::vector<float> expected =
          RunWith(plain.model, x, batch, true, ConvKernels::kAuto, 1);
      ExpectClose(RunWith(fused.model, x, batch, true, ConvKernels::kAuto, 1), expected, 1e-5f);
      for (auto [kernels, backend] : ConvKernelChoices()) {
        for (int threads : {1, 2}) {
          INFO("kernels " << std::string(backend) << ", threads " << threads << ", batch "
                          << batch);
          ExpectClose(RunWith(fused.model, x, batch, false, kernels, threads), expected, 1e-4f);
        }
      }
    }
  }
}

// Converts `b` (default options but `feature_tensor`) and returns the number of Binary ops.
int BinaryOpsAfter(OnnxBuilder& b, const std::string& feature_tensor = "") {
  INFO("feature tensor '" << feature_tensor << "'");
  TempDir dir;
  ConvertOptions options;
  options.feature_tensor = feature_tensor;
  Converted m = Convert(b, dir, options);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(ResidualConvs(*m.model) == 0);
  return OpCount(*m.model, "Binary");
}

// x [1, 8, 5, 5] -> c = Conv 3x3 (pads 1) -> ...; `tail` adds the rest, ending in "out".
template <class Tail>
OnnxBuilder ConvThen(Tail tail) {
  OnnxBuilder b(13);
  b.Input("x", {1, 8, 5, 5});
  b.Initializer("w", {8, 8, 3, 3}, Random(8 * 8 * 9, 1));
  b.Node("Conv", {"x", "w"}, {"c"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
  tail(b);
  b.Node("GlobalAveragePool", {"out"}, {"y"});
  b.Output("y");
  return b;
}

TEST_CASE("fuse_residual_add leaves alone what it must") {
  SUBCASE("the Conv's output has a second use") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) {
      b.Node("Add", {"c", "x"}, {"s"});
      b.Node("Add", {"s", "c"}, {"out"});
    });
    CHECK(BinaryOpsAfter(b) == 2);
  }
  SUBCASE("the other operand broadcasts") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) {
      b.Node("GlobalAveragePool", {"x"}, {"gx"});
      b.Node("Add", {"c", "gx"}, {"out"});
    });
    CHECK(BinaryOpsAfter(b) == 1);
  }
  SUBCASE("the other operand is a constant") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) {
      b.Initializer("k", {1, 8, 5, 5}, Random(200, 2));
      b.Node("Add", {"c", "k"}, {"out"});
    });
    CHECK(BinaryOpsAfter(b) == 1);
  }
  SUBCASE("Add(c, c)") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) { b.Node("Add", {"c", "c"}, {"out"}); });
    CHECK(BinaryOpsAfter(b) == 1);
  }
  SUBCASE("the Conv has an activation of its own") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) {
      b.Node("Relu", {"c"}, {"cr"});
      b.Node("Add", {"cr", "x"}, {"out"});
    });
    CHECK(BinaryOpsAfter(b) == 1);
  }
  SUBCASE("the Conv's output or the Add's is protected (feature tensor, graph output)") {
    OnnxBuilder b = ConvThen([](OnnxBuilder& b) {
      b.Node("Add", {"c", "x"}, {"s"});
      b.Node("Relu", {"s"}, {"out"});
    });
    CHECK(BinaryOpsAfter(b, "c") == 1);
    CHECK(BinaryOpsAfter(b, "out") == 1);  // the Relu fused into the Add writes "out"
    OnnxBuilder outputs = ConvThen([](OnnxBuilder& b) { b.Node("Add", {"c", "x"}, {"out"}); });
    outputs.Output("c");
    CHECK(BinaryOpsAfter(outputs) == 1);
    // (An ONNX output that is the Add's is not the IR Add's: the Add writes NHWC and a
    // Transpose makes the output, so the Add does fuse; see the IR test below.)
    OnnxBuilder sum_out = ConvThen([](OnnxBuilder& b) { b.Node("Add", {"c", "x"}, {"out"}); });
    sum_out.Output("out");
    TempDir dir;
    Converted m = Convert(sum_out, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(ResidualConvs(*m.model) == 1);
  }
}

TEST_CASE("--quantize int8: only the Convs that stay float take a residual") {
  // Two stems read the 3-channel image (they stay float: fewer than 8 input channels) and are
  // added (fusable); then an int8 Conv 16 -> 16 whose output is added to its input (not).
  OnnxBuilder b(13);
  b.Input("x", {1, 3, 8, 8});
  b.Initializer("wa", {16, 3, 3, 3}, Random(16 * 27, 1));
  b.Initializer("wb", {16, 3, 1, 1}, Random(16 * 3, 2));
  b.Initializer("w1", {16, 16, 3, 3}, Random(16 * 16 * 9, 3, -0.2f, 0.2f));
  b.Initializer("wf", {4, 16}, Random(64, 4));
  b.Node("Conv", {"x", "wa"}, {"ca"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
  b.Node("Conv", {"x", "wb"}, {"cb"}).Ints("kernel_shape", {1, 1});
  b.Node("Add", {"ca", "cb"}, {"s0"});
  b.Node("Relu", {"s0"}, {"r0"});
  b.Node("Conv", {"r0", "w1"}, {"c1"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
  b.Node("Add", {"c1", "r0"}, {"s1"});
  b.Node("Relu", {"s1"}, {"r1"});
  b.Node("GlobalAveragePool", {"r1"}, {"g"});
  b.Node("Flatten", {"g"}, {"f"});
  b.Node("Gemm", {"f", "wf"}, {"y"}).Int("transB", 1);
  b.Output("y");
  TempDir dir;
  const int64_t samples = 8;
  const std::vector<float> images = Random(size_t(samples) * 3 * 64, 11, -2.0f, 2.0f);
  std::vector<float> labels;
  for (int64_t i = 0; i < samples; ++i) labels.push_back(float(i % 2));
  REQUIRE(io::WriteNpy(dir.File("images.npy"), {samples, 3, 8, 8}, images.data()).ok());
  REQUIRE(io::WriteNpy(dir.File("labels.npy"), {samples}, labels.data()).ok());
  ConvertOptions options;
  options.quantize = "int8";
  options.calibration = "npy:" + dir.File("images.npy") + "," + dir.File("labels.npy");
  options.int8_min_agreement = 0;  // every candidate int8
  Converted m = Convert(b, dir, options);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Binary") == 1);
  CHECK(ResidualConvs(*m.model) == 1);
  const auto* tensors = m.model->flatbuffer()->tensors();
  for (const auto* op : *m.model->flatbuffer()->operators()) {
    if (op->options_type() != schema::OpOptions::Conv2D) continue;
    const bool int8 = tensors->Get(op->inputs()->Get(1))->type() == schema::DataType::INT8;
    const bool residual = op->inputs()->size() == 4 && op->inputs()->Get(3) >= 0;
    CHECK_FALSE((int8 && residual));
  }
  // It runs, on the reference kernels and the fast ones alike.
  const std::vector<float> x = Random(3 * 64, 12);
  ExpectClose(RunWith(m.model, x, 1, false, ConvKernels::kAuto, 2),
              RunWith(m.model, x, 1, true, ConvKernels::kAuto, 1), 1e-4f);
}

// The IR after the passes: c = Conv(x, w) (NHWC), s = Add(c, x), then `tail` nodes.
convert::Graph ResidualIr(bool int8_weight) {
  convert::Graph g;
  for (const char* name : {"x", "c", "s"}) {
    convert::Tensor& t = g.At(name);
    t.name = name;
    t.shape = {1, 8, 5, 5};
    t.shape_known = t.nhwc = true;
  }
  convert::Tensor& w = g.At("w");
  w.name = "w";
  w.constant = w.shape_known = true;
  w.shape = {8, 3, 3, 8};
  w.dtype = int8_weight ? convert::DType::kInt8 : convert::DType::kFloat;
  w.floats.assign(int8_weight ? 0 : 576, 0.5f);
  w.int8s.assign(int8_weight ? 576 : 0, 1);
  convert::Node conv;
  conv.op = conv.onnx_op = conv.name = "Conv";
  conv.inputs = {"x", "w"};
  conv.outputs = {"c"};
  convert::Node add;
  add.op = add.onnx_op = add.name = "Add";
  add.inputs = {"c", "x"};
  add.outputs = {"s"};
  add.SetString("fused", "relu");
  g.nodes = {conv, add};
  g.inputs = {"x"};
  return g;
}

// Runs fuse_residual_add on `g`; returns its summary.
std::string FuseResidualAdd(convert::Graph& g, bool enabled = true) {
  ConvertOptions options;
  options.fuse_residual_add = enabled;
  for (const convert::Pass& pass : convert::FinalPassList()) {
    if (std::string(pass.name) != "fuse_residual_add") continue;
    std::string summary;
    REQUIRE(pass.run(g, options, &summary).ok());
    return summary;
  }
  FAIL("no fuse_residual_add pass");
  return "";
}

TEST_CASE("fuse_residual_add on the IR: graph outputs, the feature tensor, int8, the option") {
  {
    convert::Graph g = ResidualIr(false);
    g.outputs = {"s"};  // the Add's output is a graph output
    CHECK(FuseResidualAdd(g) == "");
    CHECK(g.nodes.size() == 2);
  }
  {
    convert::Graph g = ResidualIr(false);
    g.outputs = {"c", "s"};  // so is the Conv's
    CHECK(FuseResidualAdd(g) == "");
  }
  for (const char* feature : {"c", "s"}) {
    convert::Graph g = ResidualIr(false);
    g.At("y").name = "y";
    g.outputs = {"y"};
    convert::Node pool;
    pool.op = pool.onnx_op = pool.name = "GlobalAveragePool";
    pool.inputs = {"s"};
    pool.outputs = {"y"};
    g.nodes.push_back(pool);
    g.feature_tensor = feature;
    CHECK(FuseResidualAdd(g) == "");
    g.feature_tensor = "";
    convert::Graph off = g;
    CHECK(FuseResidualAdd(off, /*enabled=*/false) == "");
    CHECK(off.nodes.size() == 3);
    convert::Graph int8 = ResidualIr(true);
    int8.outputs = {"y"};
    int8.nodes.push_back(pool);
    CHECK(FuseResidualAdd(int8) == "");
    // Unprotected and float: fused, in the Add's place, writing its output with its Relu.
    CHECK(FuseResidualAdd(g) == "Add into Conv 1");
    REQUIRE(g.nodes.size() == 2);
    CHECK(g.nodes[0].op == "Conv");
    CHECK(g.nodes[0].inputs == std::vector<std::string>{"x", "w", "", "x"});
    CHECK(g.nodes[0].outputs == std::vector<std::string>{"s"});
    CHECK(g.nodes[0].String("fused", "") == "relu");
    CHECK(g.Find("c") == nullptr);
    CHECK(g.nodes[1].op == "GlobalAveragePool");
  }
}

}  // namespace
}  // namespace frost::testing
