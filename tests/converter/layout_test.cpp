// The NCHW -> NHWC layout pass and the batch handling: OHWI weights, constants permuted to
// NHWC, Transposes only where the logical layout is needed, the VGG-style flatten -> FC
// weight permutation, graph outputs back in NCHW, models that run at any batch size.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

constexpr int64_t kC = 3, kM = 4, kH = 5, kW = 6;

const std::vector<float>& ConvWeight() {
  static const std::vector<float> w = Random(kM * kC * 9, 101);
  return w;
}

// x [N, 3, 5, 6] -> Conv 3x3 pad 1 -> "c" [N, 4, 5, 6].
void AddConv(OnnxBuilder& b, int64_t batch = 1, bool dynamic = false) {
  b.Input("x", {batch, kC, kH, kW}, dynamic);
  b.Initializer("w", {kM, kC, 3, 3}, ConvWeight());
  b.Node("Conv", {"x", "w"}, {"c"}).Ints("pads", {1, 1, 1, 1});
}

std::vector<float> RefConv(const std::vector<float>& x, int64_t n = 1) {
  Conv2DParams p;
  p.pad_t = p.pad_l = p.pad_b = p.pad_r = 1;
  return RefConv2D(x, n, kC, kH, kW, ConvWeight(), kM, 3, 3, {}, p);
}

TEST_CASE("conv weights are stored OHWI and conv activations NHWC; outputs come back NCHW") {
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.Output("c");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  const auto* fb = m.model->flatbuffer();
  const auto* conv = FindOp(*m.model, schema::OpOptions::Conv2D);
  const auto* weight = fb->tensors()->Get(conv->inputs()->Get(1));
  CHECK(Vec(weight->shape()) == std::vector<int64_t>{kM, 3, 3, kC});
  const auto* conv_out = fb->tensors()->Get(conv->outputs()->Get(0));
  CHECK(conv_out->layout() == schema::Layout::NHWC);
  CHECK(Vec(conv_out->shape()) == std::vector<int64_t>{1, kH, kW, kM});
  CHECK(m.model->outputs()[0].shape == std::vector<int64_t>{1, kM, kH, kW});
  CHECK(OpCount(*m.model, "Transpose") == 2);
  const std::vector<float> x = Random(kC * kH * kW, 1);
  ExpectClose(Run(m.model, x), RefConv(x), 1e-5f);
}

TEST_CASE("constants broadcast against NHWC activations are expanded and permuted") {
  const std::vector<float> per_channel = Random(kM, 2), per_column = Random(kW, 3);
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.Initializer("k", {kM, 1, 1}, per_channel).Initializer("col", {kW}, per_column);
  b.Node("Mul", {"c", "k"}, {"scaled"});
  b.Node("Add", {"col", "scaled"}, {"shifted"});  // constant first
  b.Node("MaxPool", {"shifted"}, {"y"}).Ints("kernel_shape", {1, 1});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Transpose") == 2);  // in and out only: all between is NHWC
  const std::vector<float> x = Random(kC * kH * kW, 4);
  std::vector<float> expected = RefConv(x);
  for (int64_t c = 0; c < kM; ++c)
    for (int64_t i = 0; i < kH * kW; ++i) {
      float& v = expected[c * kH * kW + i];
      v = v * per_channel[c] + per_column[i % kW];
    }
  ExpectClose(Run(m.model, x), expected, 1e-5f);
}

TEST_CASE("Concat, Slice and Pad of NHWC tensors work on remapped axes") {
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.Node("Relu", {"c"}, {"r"});
  b.Node("Concat", {"c", "r"}, {"cat"}).Int("axis", 1);  // [1, 8, 5, 6]
  b.IntInitializer("st", {2}, {1, 1}).IntInitializer("en", {2}, {7, 100});
  b.IntInitializer("ax", {2}, {1, 3}).IntInitializer("sp", {2}, {2, 2});
  b.Node("Slice", {"cat", "st", "en", "ax", "sp"}, {"sl"});  // [1, 3, 5, 3]
  b.IntInitializer("pads", {8}, {0, 1, 0, 2, 0, 0, 1, 0});
  b.Node("Pad", {"sl", "pads"}, {"pd"}).String("mode", "edge");  // [1, 4, 6, 5]
  b.Node("AveragePool", {"pd"}, {"y"}).Ints("kernel_shape", {1, 1});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Transpose") == 2);
  CHECK(FindOp(*m.model, schema::OpOptions::Concat)->options_as_Concat()->axis() == 3);
  const std::vector<float> x = Random(kC * kH * kW, 5);
  const std::vector<float> c = RefConv(x);
  auto cat = [&](int64_t ch, int64_t i, int64_t j) {
    const float v = c[((ch % kM) * kH + i) * kW + j];
    return ch < kM ? v : std::max(v, 0.f);
  };
  std::vector<float> expected;
  for (int64_t ch = 0; ch < 4; ++ch)
    for (int64_t i = 0; i < 6; ++i)
      for (int64_t j = 0; j < 5; ++j) {
        const int64_t sc = std::clamp<int64_t>(ch - 1, 0, 2), si = std::min<int64_t>(i, 4);
        const int64_t sj = std::clamp<int64_t>(j - 2, 0, 2);
        expected.push_back(cat(1 + 2 * sc, si, 1 + 2 * sj));
      }
  ExpectClose(Run(m.model, x), expected, 1e-5f);
}

TEST_CASE("Softmax over channels of a conv output gets the logical layout via a Transpose") {
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.Node("Softmax", {"c"}, {"y"}).Int("axis", 1);
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Transpose") == 2);
  const std::vector<float> x = Random(kC * kH * kW, 6);
  const std::vector<float> ct = RefTranspose(RefConv(x), {1, kM, kH, kW}, {0, 2, 3, 1});
  ExpectClose(Run(m.model, x),
              RefTranspose(RefSoftmax(ct, kH * kW, kM), {1, kH, kW, kM}, {0, 3, 1, 2}), 1e-5f);
}

// Conv -> Relu -> Flatten -> Gemm [-> Relu -> Gemm]: the VGG head shape, spatial size > 1.
OnnxBuilder FlattenHead(const std::vector<float>& fw, const std::vector<float>& fb,
                        bool second_fc) {
  OnnxBuilder b(13);
  AddConv(b);
  b.Node("Relu", {"c"}, {"r"});
  b.Node("Flatten", {"r"}, {"flat"});
  b.Initializer("fw", {7, kM * kH * kW}, fw).Initializer("fb", {7}, fb);
  b.Node("Gemm", {"flat", "fw", "fb"}, {second_fc ? "fc1" : "y"}).Int("transB", 1);
  if (second_fc) {
    b.Node("Relu", {"fc1"}, {"r1"});
    b.Initializer("fw2", {2, 7}, Random(14, 77));
    b.Node("Gemm", {"r1", "fw2"}, {"y"}).Int("transB", 1);
  }
  b.Output("y");
  return b;
}

TEST_CASE("flatten of an NHWC tensor into a FullyConnected permutes the weight columns") {
  const std::vector<float> fw = Random(7 * kM * kH * kW, 7), fb = Random(7, 8);
  const int64_t K = kM * kH * kW;
  TempDir dir;
  OnnxBuilder b = FlattenHead(fw, fb, /*second_fc=*/true);
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->feature_tensor() == "r1");
  CHECK(OpCount(*m.model, "Transpose") == 1);  // only the input's
  const auto* fc = FindOp(*m.model, schema::OpOptions::FullyConnected);
  const auto* w = m.model->flatbuffer()->tensors()->Get(fc->inputs()->Get(1));
  const auto* buffer = m.model->flatbuffer()->buffers()->Get(w->buffer());
  const float* stored = reinterpret_cast<const float*>(m.model->data_segment() + buffer->offset());
  // Column (h, w, c) of the stored weight is column (c, h, w) of the ONNX weight.
  CHECK(stored[(2 * kW + 3) * kM + 1] == fw[1 * kH * kW + 2 * kW + 3]);
  CHECK(stored[5 * K + (4 * kW + 5) * kM + 3] == fw[5 * K + 3 * kH * kW + 4 * kW + 5]);
  const std::vector<float> x = Random(kC * kH * kW, 9);
  const std::vector<float> fc1 = Relu(RefLinear(Relu(RefConv(x)), 1, K, fw, 7, fb));
  ExpectClose(Run(m.model, x), RefLinear(fc1, 1, 7, Random(14, 77), 2, {}), 1e-5f);
}

TEST_CASE("a flatten that is the feature tensor keeps its logical order (Transpose stays)") {
  const std::vector<float> fw = Random(7 * kM * kH * kW, 7), fb = Random(7, 8);
  TempDir dir;
  OnnxBuilder b = FlattenHead(fw, fb, /*second_fc=*/false);
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->feature_tensor() == "flat");
  CHECK(OpCount(*m.model, "Transpose") == 2);
  const std::vector<float> x = Random(kC * kH * kW, 9);
  ExpectClose(Run(m.model, x), RefLinear(Relu(RefConv(x)), 1, kM * kH * kW, fw, 7, fb), 1e-5f);
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(m.model, {}, &session).ok());
  std::vector<float> features(kM * kH * kW);
  REQUIRE(session->RunTo(x.data(), 1, "flat", features.data()).ok());
  ExpectClose(features, Relu(RefConv(x)), 1e-5f);
}

TEST_CASE("global pooling to 1x1 reaches the FullyConnected without any Transpose") {
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.Node("GlobalAveragePool", {"c"}, {"g"});
  b.Node("Flatten", {"g"}, {"flat"});
  b.Initializer("fw", {2, kM}, Random(2 * kM, 1));
  b.Node("Gemm", {"flat", "fw"}, {"y"}).Int("transB", 1);
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(OpCount(*m.model, "Transpose") == 1);
  const std::vector<float> x = Random(kC * kH * kW, 2);
  const std::vector<float> g =
      RefPool2D(false, RefConv(x), 1, kM, kH, kW, kH, kW, 1, 1, 0, 0, 0, 0, 1, 1);
  ExpectClose(Run(m.model, x), RefLinear(g, 1, kM, Random(2 * kM, 1), 2, {}), 1e-5f);
}

TEST_CASE("a model exported at batch 1 runs at batch 4; a dynamic batch takes options.batch") {
  for (bool dynamic : {false, true}) {
    CAPTURE(dynamic);
    TempDir dir;
    OnnxBuilder b(17);
    AddConv(b, 1, dynamic);
    b.Node("Relu", {"c"}, {"r"});
    b.IntInitializer("shape", {2}, {1, -1});  // hard-coded batch 1, as x.view(1, -1)
    if (dynamic) {
      b.proto().mutable_graph()->mutable_initializer()->rbegin()->set_int64_data(0, 0);
    }
    b.Node("Reshape", {"r", "shape"}, {"y"});
    b.Output("y");
    ConvertOptions options;
    options.batch = dynamic ? 2 : 1;
    Converted m = Convert(b, dir, options);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(m.model->batch_polymorphic());
    CHECK(m.model->inputs()[0].shape[0] == (dynamic ? 2 : 1));
    const std::vector<float> x = Random(4 * kC * kH * kW, 3);
    ExpectClose(Run(m.model, x, 4), Relu(RefConv(x, 4)), 1e-5f);
  }
}

TEST_CASE("a Reshape that moves the batch dim makes the model batch-specific") {
  TempDir dir;
  OnnxBuilder b(13);
  AddConv(b);
  b.IntInitializer("shape", {2}, {kM, -1});  // [1, 4, 5, 6] -> [4, 30]
  b.Node("Reshape", {"c", "shape"}, {"y"});
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK_FALSE(m.model->batch_polymorphic());
  bool logged = false;
  for (const std::string& line : m.report.log) {
    logged = logged || line.find("runs only at batch 1") != std::string::npos;
  }
  CHECK(logged);
  const std::vector<float> x = Random(kC * kH * kW, 4);
  ExpectClose(Run(m.model, x), RefConv(x), 1e-5f);
}

}  // namespace
}  // namespace frost::testing
