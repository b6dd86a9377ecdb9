// Importers of Conv, MaxPool, AveragePool, the global pools and BatchNormalization:
// attributes per opset, padding (explicit, auto_pad, ceil_mode), compared with the plain
// NCHW references in reference_ops.hpp.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

struct ConvCase {
  std::string what;
  int64_t C, M, KH, KW, group;
  Conv2DParams p;
  std::string auto_pad;  // "" = explicit pads
  bool bias;
};

TEST_CASE("Conv: strides, pads, dilations, groups, auto_pad, with and without bias") {
  const int64_t N = 2, H = 9, W = 8;
  const std::vector<ConvCase> cases = {
      {"3x3 pad 1", 3, 8, 3, 3, 1, {1, 1, 1, 1, 1, 1, 1, 1, 1}, "", true},
      {"stride 2 asymmetric pads", 4, 6, 3, 3, 1, {2, 2, 1, 1, 0, 1, 2, 0, 1}, "", false},
      {"dilation 2", 3, 5, 3, 3, 1, {1, 1, 2, 2, 2, 2, 2, 2, 1}, "", true},
      {"depthwise", 6, 6, 3, 3, 6, {1, 1, 1, 1, 1, 1, 1, 1, 6}, "", true},
      {"groups 2 of 1x5", 4, 6, 1, 5, 2, {1, 2, 1, 1, 0, 2, 0, 2, 2}, "", true},
      {"SAME_UPPER stride 2", 3, 4, 3, 3, 1, {2, 2, 1, 1, 1, 0, 1, 1, 1}, "SAME_UPPER", true},
      {"SAME_LOWER stride 2", 3, 4, 4, 4, 1, {2, 2, 1, 1, 2, 1, 1, 1, 1}, "SAME_LOWER", true},
      {"VALID", 3, 4, 3, 2, 1, {1, 1, 1, 1, 0, 0, 0, 0, 1}, "VALID", false},
  };
  for (const ConvCase& c : cases) {
    CAPTURE(c.what);
    const std::vector<float> w = Random(c.M * (c.C / c.group) * c.KH * c.KW, 3);
    const std::vector<float> bias = c.bias ? Random(c.M, 4) : std::vector<float>();
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {N, c.C, H, W});
    b.Initializer("w", {c.M, c.C / c.group, c.KH, c.KW}, w);
    std::vector<std::string> inputs = {"x", "w"};
    if (c.bias) {
      b.Initializer("b", {c.M}, bias);
      inputs.push_back("b");
    }
    NodeRef n = b.Node("Conv", inputs, {"y"});
    n.Ints("kernel_shape", {c.KH, c.KW}).Ints("strides", {c.p.stride_h, c.p.stride_w});
    n.Ints("dilations", {c.p.dil_h, c.p.dil_w}).Int("group", c.group);
    if (c.auto_pad.empty()) {
      n.Ints("pads", {c.p.pad_t, c.p.pad_l, c.p.pad_b, c.p.pad_r});
    } else {
      n.String("auto_pad", c.auto_pad);
    }
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(OpCount(*m.model, "Conv2D") == 1);
    const std::vector<float> x = Random(N * c.C * H * W, 5);
    // For auto_pad, the case's pads are what SAME/VALID work out to for H=9, W=8.
    const std::vector<float> expected = RefConv2D(x, N, c.C, H, W, w, c.M, c.KH, c.KW, bias, c.p);
    ExpectClose(Run(m.model, x), expected, 1e-5f);
  }
}

struct PoolCase {
  std::string what;
  std::string op;
  int opset;
  int64_t K, S, PT, PL, PB, PR;
  bool ceil, cip;
  int64_t OH, OW;  // expected output size for a 7 x 8 input
};

TEST_CASE("MaxPool / AveragePool: pads, strides, ceil_mode, count_include_pad") {
  const int64_t N = 2, C = 3, H = 7, W = 8;
  const std::vector<PoolCase> cases = {
      {"max 2x2/2", "MaxPool", 13, 2, 2, 0, 0, 0, 0, false, false, 3, 4},
      {"max 3x3/2 pad 1", "MaxPool", 13, 3, 2, 1, 1, 1, 1, false, false, 4, 4},
      {"max 3x3/2 ceil", "MaxPool", 13, 3, 2, 0, 0, 0, 0, true, false, 3, 4},
      {"max 2x2/2 ceil opset 10", "MaxPool", 10, 2, 2, 0, 0, 0, 0, true, false, 4, 4},
      {"avg 3x3/1 pad 1", "AveragePool", 13, 3, 1, 1, 1, 1, 1, false, false, 7, 8},
      {"avg 3x3/2 pad 1 cip", "AveragePool", 13, 3, 2, 1, 1, 1, 1, false, true, 4, 4},
      {"avg 2x2/2 ceil", "AveragePool", 13, 2, 2, 0, 0, 0, 0, true, false, 4, 4},
      // count_include_pad with ceil_mode: the ceil padding must not count (explicit Pad).
      {"avg 3x3/2 pad 1 ceil cip", "AveragePool", 13, 3, 2, 1, 0, 1, 0, true, true, 4, 4},
  };
  for (const PoolCase& c : cases) {
    CAPTURE(c.what);
    TempDir dir;
    OnnxBuilder b(c.opset);
    b.Input("x", {N, C, H, W});
    NodeRef n = b.Node(c.op, {"x"}, {"y"});
    n.Ints("kernel_shape", {c.K, c.K}).Ints("strides", {c.S, c.S});
    n.Ints("pads", {c.PT, c.PL, c.PB, c.PR});
    if (c.ceil) n.Int("ceil_mode", 1);
    if (c.op == "AveragePool") n.Int("count_include_pad", c.cip);
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(m.model->outputs()[0].shape == std::vector<int64_t>{N, C, c.OH, c.OW});
    const std::vector<float> x = Random(N * C * H * W, 8);
    // The reference counts padding only up to the explicit pads, never the ceil overhang.
    std::vector<float> expected = RefPool2D(c.op == "MaxPool", x, N, C, H, W, c.K, c.K, c.S, c.S,
                                            c.PT, c.PL, c.PB, c.PR, c.OH, c.OW, c.cip);
    ExpectClose(Run(m.model, x), expected, 1e-5f);
  }
}

TEST_CASE("pools reject a window that would lie entirely in the padding") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, 1, 4, 4});
  b.Node("MaxPool", {"x"}, {"y"}, "pool").Ints("kernel_shape", {2, 2}).Ints("pads", {2, 2, 2, 2});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_FALSE(m.status.ok());
  CHECK(m.status.message().find("node 'pool' (MaxPool, opset 13)") != std::string::npos);
  CHECK(m.status.message().find("padding") != std::string::npos);
}

TEST_CASE("GlobalAveragePool and GlobalMaxPool") {
  for (const std::string op : {"GlobalAveragePool", "GlobalMaxPool"}) {
    CAPTURE(op);
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {2, 5, 3, 4});
    b.Node(op, {"x"}, {"y"});
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    const std::vector<float> x = Random(120, 2);
    const std::vector<float> expected =
        RefPool2D(op == "GlobalMaxPool", x, 2, 5, 3, 4, 3, 4, 1, 1, 0, 0, 0, 0, 1, 1);
    ExpectClose(Run(m.model, x), expected);
  }
}

TEST_CASE("standalone BatchNormalization (opsets 6, 7, 9, 15) becomes Mul + Add") {
  const int64_t C = 4;
  const std::vector<float> scale = Random(C, 1, 0.5f, 1.5f), bias = Random(C, 2);
  const std::vector<float> mean = Random(C, 3), var = Random(C, 4, 0.2f, 2.f);
  for (int opset : {6, 7, 9, 15}) {
    for (bool four_d : {true, false}) {
      CAPTURE(opset);
      CAPTURE(four_d);
      TempDir dir;
      OnnxBuilder b(opset);
      const std::vector<int64_t> shape =
          four_d ? std::vector<int64_t>{2, C, 3, 3} : std::vector<int64_t>{2, C};
      b.Input("x", shape);
      b.Initializer("s", {C}, scale).Initializer("b", {C}, bias);
      b.Initializer("m", {C}, mean).Initializer("v", {C}, var);
      b.Node("Abs", {"x"}, {"ax"});  // a producer BatchNorm cannot fold into
      NodeRef n = b.Node("BatchNormalization", {"ax", "s", "b", "m", "v"}, {"y"});
      n.Float("epsilon", 1e-3f).Float("momentum", 0.9f);
      if (opset < 9) n.Int("spatial", 1);
      if (opset < 7) n.Int("is_test", 1);
      b.Output("y");
      Converted m = Convert(b, dir);
      REQUIRE_MESSAGE(m.status.ok(), m.status.message());
      CHECK(OpCount(*m.model, "Binary") == 2);
      const int64_t rest = four_d ? 9 : 1;
      std::vector<float> x = Random(2 * C * rest, 6);
      std::vector<float> ax = x;
      for (float& v : ax) v = std::fabs(v);
      ExpectClose(Run(m.model, x), RefBatchNorm(ax, 2, C, rest, scale, bias, mean, var, 1e-3f));
    }
  }
}

}  // namespace
}  // namespace frost::testing
