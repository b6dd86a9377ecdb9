// The shape glue PyTorch's exporter emits, folded at conversion: the flatten pattern
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape, F.pad's ConstantOfShape + Concat +
// Reshape + Slice(step -1) + Transpose + Cast chain (TF-style "same" padding computed with
// Sub/Div/Neg, as in MLPerf ResNet-8), and the CIFAR ResNets' option-A shortcut
// (Slice step 2 + channel Pad). Afterwards only real layers remain, and the results match.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

// F.pad's export: `torch_pads` (int64 scalars, last axis first as torch orders them) of a
// tensor of rank `rank` -> the name of the ONNX-ordered int64 pads tensor.
std::string TorchPadGlue(OnnxBuilder& b, const std::string& p,
                         const std::vector<std::string>& torch_pads, int64_t rank) {
  std::vector<std::string> unsqueezed;
  b.IntConstant(p + "axis0", {1}, {0});
  for (size_t i = 0; i < torch_pads.size(); ++i) {
    unsqueezed.push_back(p + "u" + std::to_string(i));
    b.Node("Unsqueeze", {torch_pads[i], p + "axis0"}, {unsqueezed.back()});
  }
  b.Node("Concat", unsqueezed, {p + "given"}).Int("axis", 0);
  b.IntConstant(p + "rest", {1}, {2 * rank - static_cast<int64_t>(torch_pads.size())});
  b.Node("ConstantOfShape", {p + "rest"}, {p + "zeros"}).Tensor("value", IntTensor("v", {1}, {0}));
  b.Node("Concat", {p + "given", p + "zeros"}, {p + "all"}).Int("axis", 0);
  b.IntConstant(p + "pairs_shape", {2}, {-1, 2});
  b.Node("Reshape", {p + "all", p + "pairs_shape"}, {p + "pairs"});
  b.IntConstant(p + "st", {1}, {-1}).IntConstant(p + "en", {1}, {INT64_MIN + 1});
  b.IntConstant(p + "ax", {1}, {0}).IntConstant(p + "sp", {1}, {-1});
  b.Node("Slice", {p + "pairs", p + "st", p + "en", p + "ax", p + "sp"}, {p + "flipped"});
  b.Node("Transpose", {p + "flipped"}, {p + "t"}).Ints("perm", {1, 0});
  b.IntConstant(p + "flat_shape", {1}, {-1});
  b.Node("Reshape", {p + "t", p + "flat_shape"}, {p + "flat"});
  b.Node("Cast", {p + "flat"}, {p + "pads"}).Int("to", onnx::TensorProto::INT64);
  return p + "pads";
}

TEST_CASE("the exporter's flatten glue folds into one Reshape that runs at any batch") {
  const int64_t C = 8, O = 5;
  const std::vector<float> w = Random(O * C, 1), bias = Random(O, 2);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, C, 3, 3});
  b.Node("GlobalAveragePool", {"x"}, {"pool"});
  b.Node("Shape", {"pool"}, {"shape"});
  b.IntConstant("zero", {}, {0});
  b.Node("Gather", {"shape", "zero"}, {"n"}).Int("axis", 0);
  b.IntConstant("axes", {1}, {0});
  b.Node("Unsqueeze", {"n", "axes"}, {"n1"});
  b.IntConstant("minus1", {1}, {-1});
  b.Node("Concat", {"n1", "minus1"}, {"target"}).Int("axis", 0);
  b.Node("Reshape", {"pool", "target"}, {"flat"});
  b.Initializer("w", {O, C}, w).Initializer("b", {O}, bias);
  b.Node("Gemm", {"flat", "w", "b"}, {"y"}).Int("transB", 1);
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCounts(*m.model) ==
        std::map<std::string, int>{
            {"FullyConnected", 1}, {"GlobalPool", 1}, {"Reshape", 1}, {"Transpose", 1}});
  CHECK(m.model->batch_polymorphic());
  const auto* reshape = FindOp(*m.model, schema::OpOptions::Reshape);
  REQUIRE(reshape);
  CHECK(Vec(reshape->options_as_Reshape()->shape()) == std::vector<int64_t>{0, C});
  // Three samples at once, though the model was exported with batch 1.
  const std::vector<float> x = Random(3 * C * 9, 3);
  std::vector<float> pooled(3 * C);
  for (int64_t i = 0; i < 3 * C; ++i) {
    double s = 0;
    for (int k = 0; k < 9; ++k) s += x[i * 9 + k];
    pooled[i] = static_cast<float>(s / 9);
  }
  ExpectClose(Run(m.model, x, 3), RefLinear(pooled, 3, C, w, O, bias), 1e-5f);
}

TEST_CASE("TF-style 'same' padding computed by Shape/Gather/Sub/Div/Neg glue folds into Conv") {
  // pad_total = k - 1 (stride 1); begin = total / 2 (floor, computed as -(-total / 2) in
  // the exporter's odd way for the end), end = total - begin.
  const int64_t C = 3, M = 4, H = 6, W = 5, K = 4;
  const std::vector<float> w = Random(M * C * K * K, 1);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, C, H, W});
  b.Initializer("w", {M, C, K, K}, w);
  b.Node("Shape", {"w"}, {"wshape"});  // constant already: the glue also reads weights
  b.IntConstant("i2", {}, {2});
  b.Node("Gather", {"wshape", "i2"}, {"k"}).Int("axis", 0);
  b.IntConstant("one", {}, {1}).IntConstant("two", {}, {2});
  b.Node("Sub", {"k", "one"}, {"total"});             // 3
  b.Node("Neg", {"total"}, {"neg_total"});            // -3
  b.Node("Div", {"neg_total", "two"}, {"neg_half"});  // -1 (truncates toward 0)
  b.Node("Neg", {"neg_half"}, {"begin"});             // 1
  b.Node("Sub", {"total", "begin"}, {"end"});         // 2
  const std::string pads = TorchPadGlue(b, "p/", {"begin", "end", "begin", "end"}, 4);
  b.Node("Pad", {"x", pads}, {"padded"}).String("mode", "constant");
  b.Node("Conv", {"padded", "w"}, {"y"}).Ints("kernel_shape", {K, K});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCounts(*m.model) == std::map<std::string, int>{{"Conv2D", 1}, {"Transpose", 2}});
  const auto* conv = FindOp(*m.model, schema::OpOptions::Conv2D)->options_as_Conv2D();
  CHECK(conv->pad_top() == 1);
  CHECK(conv->pad_left() == 1);
  CHECK(conv->pad_bottom() == 2);
  CHECK(conv->pad_right() == 2);
  const std::vector<float> x = Random(C * H * W, 2);
  Conv2DParams p;
  p.pad_t = p.pad_l = 1;
  p.pad_b = p.pad_r = 2;
  ExpectClose(Run(m.model, x), RefConv2D(x, 1, C, H, W, w, M, K, K, {}, p), 1e-5f);
}

TEST_CASE("the option-A shortcut (Slice step 2 + channel Pad glue) becomes Slice + Pad on NHWC") {
  const int64_t C = 4, M = 8, H = 8, W = 8;
  const std::vector<float> w1 = Random(C * C * 9, 1), w2 = Random(M * C * 9, 2);
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {1, C, H, W});
  b.Initializer("w1", {C, C, 3, 3}, w1).Initializer("w2", {M, C, 3, 3}, w2);
  b.Node("Conv", {"x", "w1"}, {"c1"}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c1"}, {"a"});
  b.Node("Conv", {"a", "w2"}, {"main"}).Ints("pads", {1, 1, 1, 1}).Ints("strides", {2, 2});
  // x[:, :, ::2, ::2]
  b.IntConstant("s0", {1}, {0}).IntConstant("e", {1}, {INT64_MAX});
  b.IntConstant("ax2", {1}, {2}).IntConstant("ax3", {1}, {3}).IntConstant("st2", {1}, {2});
  b.Node("Slice", {"a", "s0", "e", "ax2", "st2"}, {"rows"});
  b.Node("Slice", {"rows", "s0", "e", "ax3", "st2"}, {"sub"});
  // F.pad(sub, (0, 0, 0, 0, 2, 2)): channels 4 -> 8.
  b.IntConstant("z", {}, {0}).IntConstant("q", {}, {2});
  const std::string pads = TorchPadGlue(b, "sc/", {"z", "z", "z", "z", "q", "q"}, 4);
  b.FloatConstant("pad_value", {}, {0.f});
  b.Node("Pad", {"sub", pads, "pad_value"}, {"shortcut"});
  b.Node("Add", {"main", "shortcut"}, {"sum"});
  b.Node("Relu", {"sum"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  // Input and output Transposes; everything between is NHWC. The shortcut Add (+ Relu) is
  // the second Conv's residual (fuse_residual_add).
  CHECK(OpCounts(*m.model) ==
        std::map<std::string, int>{{"Conv2D", 2}, {"Pad", 1}, {"Slice", 2}, {"Transpose", 2}});
  const auto* pad = FindOp(*m.model, schema::OpOptions::Pad)->options_as_Pad();
  CHECK(Vec(pad->pads()) == std::vector<int64_t>{0, 0, 0, 2, 0, 0, 0, 2});  // NHWC: C last
  const std::vector<float> x = Random(C * H * W, 3);
  Conv2DParams same;
  same.pad_t = same.pad_l = same.pad_b = same.pad_r = 1;
  const std::vector<float> a = Relu(RefConv2D(x, 1, C, H, W, w1, C, 3, 3, {}, same));
  Conv2DParams down = same;
  down.stride_h = down.stride_w = 2;
  const std::vector<float> main = RefConv2D(a, 1, C, H, W, w2, M, 3, 3, {}, down);
  std::vector<float> expected(M * 16);
  for (int64_t m2 = 0; m2 < M; ++m2)
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t j = 0; j < 4; ++j) {
        const float shortcut = m2 < 2 || m2 >= 6 ? 0.f : a[((m2 - 2) * H + 2 * i) * W + 2 * j];
        expected[(m2 * 4 + i) * 4 + j] = std::max(0.f, main[(m2 * 4 + i) * 4 + j] + shortcut);
      }
  ExpectClose(Run(m.model, x), expected, 1e-5f);
}

}  // namespace
}  // namespace frost::testing
