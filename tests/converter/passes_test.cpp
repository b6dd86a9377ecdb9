// The optimisation passes, each seen in the written file and checked by running: BatchNorm
// folding, Pad folding, activation fusion, Gemm normalisation, no-op removal.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

constexpr int64_t kC = 3, kM = 4, kH = 5, kW = 6;

struct BnParams {
  std::vector<float> scale = Random(kM, 11, 0.5f, 1.5f), bias = Random(kM, 12);
  std::vector<float> mean = Random(kM, 13), var = Random(kM, 14, 0.3f, 2.f);
  void Add(OnnxBuilder& b) const {
    b.Initializer("bn_s", {kM}, scale).Initializer("bn_b", {kM}, bias);
    b.Initializer("bn_m", {kM}, mean).Initializer("bn_v", {kM}, var);
  }
};

TEST_CASE("BatchNorm folds into the Conv before it (with or without bias)") {
  const BnParams bn;
  const std::vector<float> w = Random(kM * kC * 9, 1), bias = Random(kM, 2);
  for (bool with_bias : {true, false}) {
    CAPTURE(with_bias);
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {2, kC, kH, kW});
    b.Initializer("w", {kM, kC, 3, 3}, w);
    bn.Add(b);
    std::vector<std::string> inputs = {"x", "w"};
    if (with_bias) {
      b.Initializer("b", {kM}, bias);
      inputs.push_back("b");
    }
    b.Node("Conv", inputs, {"c"}).Ints("pads", {1, 1, 1, 1});
    b.Node("BatchNormalization", {"c", "bn_s", "bn_b", "bn_m", "bn_v"}, {"y"})
        .Float("epsilon", 1e-4f);
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(OpCounts(*m.model) == std::map<std::string, int>{{"Conv2D", 1}, {"Transpose", 2}});
    Conv2DParams p;
    p.pad_t = p.pad_l = p.pad_b = p.pad_r = 1;
    const std::vector<float> x = Random(2 * kC * kH * kW, 3);
    const std::vector<float> conv =
        RefConv2D(x, 2, kC, kH, kW, w, kM, 3, 3, with_bias ? bias : std::vector<float>(), p);
    ExpectClose(Run(m.model, x),
                RefBatchNorm(conv, 2, kM, kH * kW, bn.scale, bn.bias, bn.mean, bn.var, 1e-4f),
                1e-5f);
  }
}

TEST_CASE("BatchNorm1d after Gemm folds into the FullyConnected") {
  const BnParams bn;
  const std::vector<float> w = Random(kM * 7, 1), bias = Random(kM, 2);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {3, 7});
  b.Initializer("w", {kM, 7}, w).Initializer("b", {kM}, bias);
  bn.Add(b);
  b.Node("Gemm", {"x", "w", "b"}, {"g"}).Int("transB", 1);
  b.Node("BatchNormalization", {"g", "bn_s", "bn_b", "bn_m", "bn_v"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(NumOps(*m.model) == 1);
  const std::vector<float> x = Random(21, 3);
  ExpectClose(Run(m.model, x),
              RefBatchNorm(RefLinear(x, 3, 7, w, kM, bias), 3, kM, 1, bn.scale, bn.bias, bn.mean,
                           bn.var, 1e-5f),
              1e-5f);
}

TEST_CASE("BatchNorm does not fold into a Conv whose output is also read elsewhere") {
  const BnParams bn;
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, kC, kH, kW});
  b.Initializer("w", {kM, kC, 1, 1}, Random(kM * kC, 1));
  bn.Add(b);
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("BatchNormalization", {"c", "bn_s", "bn_b", "bn_m", "bn_v"}, {"n"});
  b.Node("Add", {"c", "n"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Binary") == 3);  // Mul, Add (the BatchNorm), Add
}

// x -> [Relu] -> Pad(pads, value) -> consumer, returning the model.
Converted PadThen(const TempDir& dir, bool relu, float value, const std::string& consumer,
                  const std::vector<int64_t>& own_pads, bool cip = false) {
  OnnxBuilder b(13);
  b.Input("x", {1, kC, kH, kW});
  b.Node(relu ? "Relu" : "Neg", {"x"}, {"r"});
  b.IntInitializer("pads", {8}, {0, 0, 1, 2, 0, 0, 2, 1});
  b.Initializer("value", {}, {value});
  b.Node("Pad", {"r", "pads", "value"}, {"p"});
  if (consumer == "Conv") {
    b.Initializer("w", {kM, kC, 3, 3}, Random(kM * kC * 9, 1));
    b.Node("Conv", {"p", "w"}, {"y"}).Ints("pads", own_pads);
  } else {
    NodeRef n = b.Node(consumer, {"p"}, {"y"});
    n.Ints("kernel_shape", {3, 3}).Ints("pads", own_pads);
    if (consumer == "AveragePool") n.Int("count_include_pad", cip);
  }
  b.Output("y");
  return Convert(b, dir);
}

TEST_CASE("zero Pad folds into Conv, MaxPool after Relu, and AveragePool when it counts") {
  struct Case {
    std::string what;
    bool relu;
    float value;
    std::string consumer;
    std::vector<int64_t> own_pads;
    bool cip;
    bool folds;
  };
  const std::vector<Case> cases = {
      {"Conv", false, 0.f, "Conv", {1, 0, 0, 1}, false, true},
      {"Conv, pad value 1", false, 1.f, "Conv", {0, 0, 0, 0}, false, false},
      {"MaxPool after Relu", true, 0.f, "MaxPool", {0, 0, 0, 0}, false, true},
      {"MaxPool of maybe-negative values", false, 0.f, "MaxPool", {0, 0, 0, 0}, false, false},
      {"AveragePool without pads", false, 0.f, "AveragePool", {0, 0, 0, 0}, false, true},
      {"AveragePool counting its pads", false, 0.f, "AveragePool", {1, 0, 0, 0}, true, true},
      {"AveragePool not counting its pads", false, 0.f, "AveragePool", {1, 0, 0, 0}, false, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    TempDir dir, plain_dir;
    Converted m = PadThen(dir, c.relu, c.value, c.consumer, c.own_pads, c.cip);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(OpCount(*m.model, "Pad") == (c.folds ? 0 : 1));
    // The same graph with the Pad applied by the runtime is the reference.
    const std::vector<float> x = Random(kC * kH * kW, 5);
    const std::vector<float> got = Run(m.model, x);
    // Reference: pad explicitly in NCHW, then the consumer without the folded pads.
    std::vector<float> r = x;
    for (float& v : r) v = c.relu ? std::max(v, 0.f) : -v;
    const int64_t PH = kH + 3, PW = kW + 3;
    std::vector<float> padded(kC * PH * PW, c.value);
    for (int64_t ch = 0; ch < kC; ++ch)
      for (int64_t i = 0; i < kH; ++i)
        for (int64_t j = 0; j < kW; ++j)
          padded[(ch * PH + i + 1) * PW + j + 2] = r[(ch * kH + i) * kW + j];
    const auto& p = c.own_pads;
    std::vector<float> expected;
    if (c.consumer == "Conv") {
      Conv2DParams cp;
      cp.pad_t = p[0], cp.pad_l = p[1], cp.pad_b = p[2], cp.pad_r = p[3];
      expected = RefConv2D(padded, 1, kC, PH, PW, Random(kM * kC * 9, 1), kM, 3, 3, {}, cp);
    } else {
      const int64_t OH = PH + p[0] + p[2] - 2, OW = PW + p[1] + p[3] - 2;
      expected = RefPool2D(c.consumer == "MaxPool", padded, 1, kC, PH, PW, 3, 3, 1, 1, p[0], p[1],
                           p[2], p[3], OH, OW, c.cip);
    }
    ExpectClose(got, expected, 1e-5f);
  }
}

TEST_CASE("Relu and Clip fuse into Conv, FullyConnected, pools and Add") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, kC, kH, kW});
  b.Initializer("w", {kM, kC, 3, 3}, Random(kM * kC * 9, 1));
  b.Node("Conv", {"x", "w"}, {"c"}).Ints("pads", {1, 1, 1, 1});
  b.Initializer("lo", {}, {0.f}).Initializer("hi", {}, {6.f});
  b.Node("Clip", {"c", "lo", "hi"}, {"c6"});  // -> Conv2D CLIP [0, 6]
  b.Node("MaxPool", {"c6"}, {"mp"}).Ints("kernel_shape", {2, 2}).Ints("strides", {2, 2});
  b.Node("Relu", {"mp"}, {"mpr"});  // -> Pool2D RELU
  b.Node("Add", {"mpr", "mpr"}, {"sum"});
  b.Node("Relu", {"sum"}, {"sr"});  // -> Binary RELU
  b.Node("Flatten", {"sr"}, {"flat"});
  b.Initializer("fw", {2, kM * 2 * 3}, Random(2 * kM * 6, 2));
  b.Node("Gemm", {"flat", "fw"}, {"fc"}).Int("transB", 1);
  b.Node("Relu", {"fc"}, {"y"});  // -> FullyConnected RELU
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Unary") == 0);
  const auto* conv = FindOp(*m.model, schema::OpOptions::Conv2D)->options_as_Conv2D();
  CHECK(conv->fused()->kind() == schema::FusedActivation::CLIP);
  CHECK(conv->fused()->clip_min() == 0.f);
  CHECK(conv->fused()->clip_max() == 6.f);
  CHECK(FindOp(*m.model, schema::OpOptions::Pool2D)->options_as_Pool2D()->fused()->kind() ==
        schema::FusedActivation::RELU);
  CHECK(FindOp(*m.model, schema::OpOptions::Binary)->options_as_Binary()->fused()->kind() ==
        schema::FusedActivation::RELU);
  CHECK(FindOp(*m.model, schema::OpOptions::FullyConnected)
            ->options_as_FullyConnected()
            ->fused()
            ->kind() == schema::FusedActivation::RELU);
  // And it computes what the unfused graph does.
  const std::vector<float> x = Random(kC * kH * kW, 3);
  Conv2DParams p;
  p.pad_t = p.pad_l = p.pad_b = p.pad_r = 1;
  std::vector<float> c = RefConv2D(x, 1, kC, kH, kW, Random(kM * kC * 9, 1), kM, 3, 3, {}, p);
  for (float& v : c) v = std::clamp(v, 0.f, 6.f);
  std::vector<float> mp = RefPool2D(true, c, 1, kM, kH, kW, 2, 2, 2, 2, 0, 0, 0, 0, 2, 3);
  for (float& v : mp) v = 2 * std::max(v, 0.f);
  ExpectClose(Run(m.model, x), Relu(RefLinear(mp, 1, kM * 6, Random(2 * kM * 6, 2), 2, {})), 1e-5f);
}

TEST_CASE("an activation stays separate when the tensor before it is a graph output") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, kC, kH, kW});
  b.Initializer("w", {kM, kC, 1, 1}, Random(kM * kC, 1));
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("Relu", {"c"}, {"y"});
  b.Output("c").Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Unary") == 1);
}

TEST_CASE("dead nodes go; a declared but unused MaxPool Indices output is accepted") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, kC, kH, kW});
  b.Node("Sigmoid", {"x"}, {"unused"});
  b.Node("Exp", {"unused"}, {"unused2"});
  b.Node("MaxPool", {"x"}, {"y", "indices"}).Ints("kernel_shape", {1, 1});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCounts(*m.model) == std::map<std::string, int>{{"Pool2D", 1}, {"Transpose", 2}});
  const std::vector<float> x = Random(kC * kH * kW, 1);
  ExpectClose(Run(m.model, x), x);
}

TEST_CASE("a graph input passed straight to the output stays as an Identity") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {2, 3});
  b.Node("Dropout", {"x"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(NumOps(*m.model) == 1);
  const std::vector<float> x = Random(6, 1);
  ExpectClose(Run(m.model, x), x);
}

}  // namespace
}  // namespace frost::testing
