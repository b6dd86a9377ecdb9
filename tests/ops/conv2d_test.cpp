#include "op_test_util.hpp"

namespace frost::testing {
namespace {

struct ConvCase {
  int64_t n, h, w, c, o;
  int kh, kw;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int groups = 1;
  bool bias = true;
  schema::FusedActivation fused = schema::FusedActivation::NONE;
  float clip_min = 0, clip_max = 0;
  bool half_weights = false;  // the weight stored as FLOAT16
  bool residual = false;  // a second graph input r [n, oh, ow, o] added before the clamp
};

int64_t OutSize(int64_t in, int pad_begin, int pad_end, int k, int stride, int dilation) {
  return (in + pad_begin + pad_end - (int64_t(k) - 1) * dilation - 1) / stride + 1;
}

ModelBytes ConvModel(const ConvCase& c, const std::vector<float>& weight,
                     const std::vector<float>& bias) {
  ModelBuilder b;
  int x = b.Input("x", {c.n, c.h, c.w, c.c});
  const std::vector<int64_t> w_shape = {c.o, c.kh, c.kw, c.c / c.groups};
  int w = c.half_weights ? b.ConstantHalf("w", w_shape, weight) : b.Constant("w", w_shape, weight);
  int bias_t = c.bias ? b.Constant("b", {c.o}, bias) : -1;
  auto fused = MakeFused(b.fbb(), c.fused, c.clip_min, c.clip_max);
  auto options =
      schema::CreateConv2D(b.fbb(), c.kh, c.kw, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                           c.pad_top, c.pad_left, c.pad_bottom, c.pad_right, c.groups, fused);
  const int64_t oh = OutSize(c.h, c.pad_top, c.pad_bottom, c.kh, c.stride_h, c.dilation_h);
  const int64_t ow = OutSize(c.w, c.pad_left, c.pad_right, c.kw, c.stride_w, c.dilation_w);
  std::vector<int> inputs = {x, w};
  if (c.bias || c.residual) inputs.push_back(bias_t);
  if (c.residual) inputs.push_back(b.Input("r", {c.n, oh, ow, c.o}));
  int y = b.AddOp("conv", options, inputs, {c.n, oh, ow, c.o});
  b.Output(y);
  return b.Finish();
}

int64_t OutputCount(const ConvCase& c) {
  return c.n * OutSize(c.h, c.pad_top, c.pad_bottom, c.kh, c.stride_h, c.dilation_h) *
         OutSize(c.w, c.pad_left, c.pad_right, c.kw, c.stride_w, c.dilation_w) * c.o;
}

// Every case on every kernel choice, 1 and 2 threads, against the reference (random weights,
// input and residual from `seed` on, one seed per case). Grouped convs run on XNNPACK.
void ExpectCasesMatchReference(const std::vector<ConvCase>& cases, uint32_t seed) {
  for (const ConvCase& c : cases) {
    CAPTURE(seed);
    const int64_t weight_count = c.o * c.kh * c.kw * (c.c / c.groups);
    ModelBytes bytes = ConvModel(c, Random(weight_count, seed), Random(c.o, seed + 100));
    std::vector<std::vector<float>> inputs = {Random(c.n * c.h * c.w * c.c, seed + 200)};
    if (c.residual) inputs.push_back(Random(OutputCount(c), seed + 300, -2, 2));
    ExpectEveryConvKernelMatchesReference(bytes, inputs, c.n, 1e-5f, c.groups == 1);
    ++seed;
  }
}

TEST_CASE("Conv2D reference and fast path match hand-computed values") {
  // x = 1..9 in a 3x3 image, a 2x2 kernel of ones, bias 1.
  ConvCase c{.n = 1, .h = 3, .w = 3, .c = 1, .o = 1, .kh = 2, .kw = 2};
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  ModelBytes bytes = ConvModel(c, {1, 1, 1, 1}, {1});
  for (bool reference : {true, false}) {
    RunResult r = RunModel(bytes, {x}, 1, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{13, 17, 25, 29});
  }
  // Padding 1 and stride 2 with two output channels; weight channel 1 is 2x channel 0.
  ConvCase p{.n = 1,
             .h = 3,
             .w = 3,
             .c = 1,
             .o = 2,
             .kh = 2,
             .kw = 2,
             .stride_h = 2,
             .stride_w = 2,
             .pad_top = 1,
             .pad_left = 1,
             .pad_bottom = 1,
             .pad_right = 1};
  ModelBytes padded = ConvModel(p, {1, 1, 1, 1, 2, 2, 2, 2}, {0, 0.5f});
  for (bool reference : {true, false}) {
    RunResult r = RunModel(padded, {x}, 1, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    // Windows: {1}, {2,3}, {4,7}, {5,6,8,9}.
    CHECK(r.outputs[0] == std::vector<float>{1, 2.5f, 5, 10.5f, 11, 22.5f, 28, 56.5f});
  }
}

TEST_CASE("Conv2D depthwise and fused clip by hand") {
  // Two channels, groups = 2, 1x1 kernel scaling channel 0 by 2 and channel 1 by -1, then
  // Clip to [-1, 3].
  ConvCase c{.n = 1,
             .h = 1,
             .w = 2,
             .c = 2,
             .o = 2,
             .kh = 1,
             .kw = 1,
             .groups = 2,
             .bias = false,
             .fused = schema::FusedActivation::CLIP,
             .clip_min = -1,
             .clip_max = 3};
  ModelBytes bytes = ConvModel(c, {2, -1}, {});
  for (bool reference : {true, false}) {
    RunResult r = RunModel(bytes, {{1, 2, 4, -0.5f}}, 1, reference);
    REQUIRE_MESSAGE(r.status.ok(), r.status.message());
    CHECK(r.outputs[0] == std::vector<float>{2, -1, 3, 0.5f});
  }
}

TEST_CASE("Conv2D fast path matches the reference") {
  using F = schema::FusedActivation;
  const std::vector<ConvCase> cases = {
      {.n = 1,
       .h = 8,
       .w = 8,
       .c = 3,
       .o = 16,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1},
      {.n = 2,
       .h = 13,
       .w = 11,
       .c = 5,
       .o = 7,
       .kh = 3,
       .kw = 3,
       .stride_h = 2,
       .stride_w = 2,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .fused = F::RELU},
      {.n = 1,
       .h = 15,
       .w = 15,
       .c = 3,
       .o = 8,
       .kh = 7,
       .kw = 7,
       .stride_h = 2,
       .stride_w = 2,
       .pad_top = 3,
       .pad_left = 3,
       .pad_bottom = 3,
       .pad_right = 3},
      {.n = 3, .h = 6, .w = 9, .c = 4, .o = 6, .kh = 1, .kw = 1},  // 1x1
      {.n = 1,
       .h = 9,
       .w = 7,
       .c = 4,
       .o = 4,
       .kh = 3,
       .kw = 2,
       .dilation_h = 2,  // dilation
       .dilation_w = 3,
       .pad_top = 2,
       .pad_left = 1,
       .pad_bottom = 0,
       .pad_right = 2},
      {.n = 1,
       .h = 10,
       .w = 10,
       .c = 8,
       .o = 8,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .groups = 8},  // depthwise
      {.n = 2,
       .h = 7,
       .w = 5,
       .c = 6,
       .o = 12,
       .kh = 3,
       .kw = 3,
       .stride_h = 2,
       .groups = 6,
       .bias = false},  // multiplier 2
      {.n = 1,
       .h = 9,
       .w = 9,
       .c = 8,
       .o = 12,
       .kh = 3,
       .kw = 3,
       .pad_top = 0,
       .pad_left = 1,
       .pad_bottom = 2,
       .pad_right = 0,
       .groups = 4,
       .fused = F::CLIP,
       .clip_min = -0.5f,
       .clip_max = 0.5f},                                                            // grouped
      {.n = 1, .h = 5, .w = 5, .c = 2, .o = 3, .kh = 5, .kw = 5, .fused = F::RELU},  // 1x1 out
      // Sizes past the blocking of frost's GEMM: k in several 256 blocks, a partial last panel
      // of 32 channels, rows in several blocks of the micro-kernel's 8 (and 4).
      {.n = 1,
       .h = 14,
       .w = 14,
       .c = 64,
       .o = 70,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .fused = F::RELU},
      {.n = 2, .h = 9, .w = 9, .c = 300, .o = 33, .kh = 1, .kw = 1},  // 1x1 read in place
      {.n = 1, .h = 16, .w = 15, .c = 40, .o = 64, .kh = 1, .kw = 1, .stride_h = 2, .stride_w = 2},
      {.n = 1,
       .h = 40,
       .w = 41,
       .c = 3,
       .o = 32,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .fused = F::CLIP,
       .clip_min = -0.5f,
       .clip_max = 0.5f},  // 1,640 rows: several row blocks per thread
      // >= 32 channels: read in place tap by tap (k blocks of whole taps: 64 channels above
      // make blocks of 4, 4 and 1 taps, 40 channels here 6 and 3), with stride, dilation,
      // uneven padding, and more than 256 channels (two k blocks per tap).
      {.n = 2,
       .h = 11,
       .w = 9,
       .c = 40,
       .o = 36,
       .kh = 3,
       .kw = 3,
       .stride_h = 2,
       .stride_w = 1,
       .dilation_h = 2,
       .dilation_w = 2,
       .pad_top = 2,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 3},
      {.n = 1,
       .h = 5,
       .w = 6,
       .c = 300,
       .o = 40,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1},
  };
  ExpectCasesMatchReference(cases, 1);
}

// 3x3 stride-1 convs with channels in and out multiples of 16 and at least 16 tiles of 4x4
// outputs run as Winograd F(4x4, 3x3) on frost's kernels (winograd.hpp). Its transforms
// scale values by up to 8 and 1/24 and cancel them again, so it rounds worse than the direct
// sum: measured here, up to 1.3e-5 of the output's largest magnitude (the direct kernels stay
// under 1e-6), hence the tolerance 5e-5.
TEST_CASE("Conv2D Winograd F(4x4, 3x3) matches the reference") {
  using F = schema::FusedActivation;
  const std::vector<ConvCase> cases = {
      // 16 tiles, the smallest that runs Winograd; ResNet's padding.
      {.n = 1, .h = 14, .w = 14, .c = 64, .o = 64, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1, .fused = F::RELU},
      // Batch 2, outputs not a multiple of 4 (partial tiles at the bottom and right), a last
      // panel of 16 channels, a clamp.
      {.n = 2, .h = 13, .w = 11, .c = 48, .o = 80, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1, .fused = F::CLIP, .clip_min = -4.0f,
       .clip_max = 4.0f},  // wide bounds: the tolerance scales with the clipped range
      // Uneven padding, no bias, input channels in three blocks of the weight transform (128).
      {.n = 1, .h = 19, .w = 17, .c = 272, .o = 32, .kh = 3, .kw = 3, .pad_top = 2,
       .pad_left = 0, .pad_bottom = 0, .pad_right = 1, .bias = false},
      // No padding at all.
      {.n = 1, .h = 18, .w = 22, .c = 16, .o = 16, .kh = 3, .kw = 3},
      // 100 tiles: two chunks of tiles per panel.
      {.n = 1, .h = 40, .w = 40, .c = 16, .o = 48, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1},
      // FLOAT16 weights (widened while transformed; the reference widens them too).
      {.n = 1, .h = 16, .w = 16, .c = 32, .o = 64, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1, .fused = F::RELU, .half_weights = true},
      // A residual (a fused ResNet shortcut) added in the output transform, before the clamp:
      // ResNet's case, and partial tiles with a partial panel.
      {.n = 1, .h = 14, .w = 14, .c = 64, .o = 64, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1, .fused = F::RELU, .residual = true},
      {.n = 2, .h = 13, .w = 11, .c = 48, .o = 80, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1, .fused = F::CLIP, .clip_min = -4.0f,
       .clip_max = 4.0f, .residual = true},
      // 512 channels: 36 tiles in two spans of transformed input (2 MiB each).
      {.n = 1, .h = 24, .w = 24, .c = 512, .o = 16, .kh = 3, .kw = 3, .pad_top = 1,
       .pad_left = 1, .pad_bottom = 1, .pad_right = 1},
  };
  uint32_t seed = 50;
  for (const ConvCase& c : cases) {
    CAPTURE(seed);
    const int64_t weight_count = c.o * c.kh * c.kw * c.c;
    ModelBytes bytes = ConvModel(c, Random(weight_count, seed), Random(c.o, seed + 100));
    std::vector<std::vector<float>> inputs = {Random(c.n * c.h * c.w * c.c, seed + 200)};
    if (c.residual) inputs.push_back(Random(OutputCount(c), seed + 300, -2, 2));
    for (auto [kernels, backend] : ConvKernelChoices()) {
      if (kernels == ConvKernels::kXnnpack) continue;
      for (int threads : {1, 2}) {
        INFO("kernels " << backend << ", threads " << threads);
        const std::string winograd = std::string(backend) + " winograd";
        ExpectFastMatchesReference(bytes, inputs, c.n, winograd.c_str(), 5e-5f, kernels, threads);
      }
    }
    ++seed;
  }
  // Its transformed tiles live in the session's kernel scratch; XNNPACK needs none.
  const ConvCase& c = cases[0];
  ModelBytes bytes = ConvModel(c, Random(c.o * 9 * c.c, 1), Random(c.o, 2));
  const std::vector<float> x = Random(c.n * c.h * c.w * c.c, 3);
  for (auto [kernels, backend] : ConvKernelChoices()) {
    const RunResult r = RunModel(bytes, {x}, c.n, /*reference=*/false, 2, kernels);
    REQUIRE(r.status.ok());
    // 36 points x 16 tiles x 64 channels of input, and per thread its weight and product blocks.
    if (kernels == ConvKernels::kXnnpack) CHECK(r.scratch_bytes == 0);
    else CHECK(r.scratch_bytes >= size_t(36 * 16 * 64 * 4));
  }
}

TEST_CASE("Conv2D with Clip(min == max): XNNPACK falls back to the reference, frost's do not") {
  for (bool residual : {false, true}) {
    CAPTURE(residual);
    ConvCase c{.n = 1,
               .h = 4,
               .w = 4,
               .c = 2,
               .o = 2,
               .kh = 3,
               .kw = 3,
               .fused = schema::FusedActivation::CLIP,
               .clip_min = 0.25f,
               .clip_max = 0.25f,
               .residual = residual};
    ModelBytes bytes = ConvModel(c, Random(36, 7), Random(2, 8));
    std::vector<std::vector<float>> inputs = {Random(32, 9)};
    if (residual) inputs.push_back(Random(8, 10));
    for (auto [kernels, backend] : ConvKernelChoices()) {
      RunResult r = RunModel(bytes, inputs, 1, false, 1, kernels);
      REQUIRE_MESSAGE(r.status.ok(), r.status.message());
      const bool xnnpack = kernels == ConvKernels::kXnnpack;
      CHECK(r.kernels[0] == std::string("Conv2D ") + (xnnpack ? "reference" : backend));
      for (float v : r.outputs[0]) CHECK(v == 0.25f);
    }
  }
}

TEST_CASE("Conv2D with a residual by hand: added before the fused clamp") {
  // 1x1 conv of 2 channels: out 0 = x0 + x1 + 1, out 1 = x0 - x1; residual added; then ReLU.
  ConvCase c{.n = 1,
             .h = 1,
             .w = 2,
             .c = 2,
             .o = 2,
             .kh = 1,
             .kw = 1,
             .fused = schema::FusedActivation::RELU,
             .residual = true};
  ModelBytes bytes = ConvModel(c, {1, 1, 1, -1}, {1, 0});
  const std::vector<float> x = {1, 2, 3, -1}, r = {-5, 0.5f, 1, -3};
  // conv: {4, -1}, {3, 4}; + r: {-1, -0.5}, {4, 1}; ReLU: {0, 0}, {4, 1}.
  for (bool reference : {true, false}) {
    RunResult r1 = RunModel(bytes, {x, r}, 1, reference);
    REQUIRE_MESSAGE(r1.status.ok(), r1.status.message());
    CHECK(r1.outputs[0] == std::vector<float>{0, 0, 4, 1});
  }
}

TEST_CASE("Conv2D with a residual: every kernel matches the reference, 1 and 2 threads") {
  using F = schema::FusedActivation;
  const std::vector<ConvCase> cases = {
      // 1x1 read in place, a partial last panel (33 = 32 + 1), rows not a multiple of 8 or 4.
      {.n = 2, .h = 9, .w = 9, .c = 300, .o = 33, .kh = 1, .kw = 1, .residual = true},
      // ResNet's bottleneck end: 1x1, 64 -> 256, ReLU after the sum, 7x7 (49 rows: 7 tiles).
      {.n = 1,
       .h = 7,
       .w = 7,
       .c = 64,
       .o = 256,
       .kh = 1,
       .kw = 1,
       .fused = F::RELU,
       .residual = true},
      // 3x3 read tap by tap (several k blocks), a partial panel (70 = 2 * 32 + 6), ReLU.
      {.n = 1,
       .h = 14,
       .w = 14,
       .c = 64,
       .o = 70,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .fused = F::RELU,
       .residual = true},
      // Stride 2, no bias, clip; tails everywhere (o = 40: 32 + 8).
      {.n = 2,
       .h = 11,
       .w = 9,
       .c = 40,
       .o = 40,
       .kh = 3,
       .kw = 3,
       .stride_h = 2,
       .stride_w = 2,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .bias = false,
       .fused = F::CLIP,
       .clip_min = -0.5f,
       .clip_max = 0.75f,
       .residual = true},
      // An RGB stem (rows of taps read in place), no clamp, 1,600 rows: several row blocks.
      {.n = 1,
       .h = 40,
       .w = 40,
       .c = 3,
       .o = 64,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .residual = true},
      // Gathered (dilated) rows, few channels.
      {.n = 1,
       .h = 9,
       .w = 7,
       .c = 4,
       .o = 64,
       .kh = 3,
       .kw = 2,
       .dilation_h = 2,
       .dilation_w = 3,
       .pad_top = 2,
       .pad_left = 1,
       .pad_bottom = 0,
       .pad_right = 2,
       .fused = F::RELU,
       .residual = true},
      // Fewer channels than frost's kernels take unasked (16): XNNPACK's conv + add by default.
      {.n = 2,
       .h = 6,
       .w = 5,
       .c = 8,
       .o = 16,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .fused = F::RELU,
       .residual = true},
      // Grouped and depthwise: XNNPACK's conv, then its add, whatever the choice.
      {.n = 1,
       .h = 10,
       .w = 10,
       .c = 8,
       .o = 8,
       .kh = 3,
       .kw = 3,
       .pad_top = 1,
       .pad_left = 1,
       .pad_bottom = 1,
       .pad_right = 1,
       .groups = 8,
       .fused = F::RELU,
       .residual = true},
      {.n = 2,
       .h = 7,
       .w = 5,
       .c = 6,
       .o = 12,
       .kh = 3,
       .kw = 3,
       .stride_h = 2,
       .groups = 6,
       .bias = false,
       .residual = true},
  };
  ExpectCasesMatchReference(cases, 50);
}

// A Conv2D whose residual r is `residual_shape`, or a constant when `constant`.
Status LoadResidualConv(const std::vector<int64_t>& residual_shape, bool constant) {
  ModelBuilder b;
  int x = b.Input("x", {1, 4, 4, 2});
  int w = b.Constant("w", {3, 1, 1, 2}, Random(6, 1));
  int r = constant ? b.Constant("r", residual_shape, Random(Count(residual_shape), 2))
                   : b.Input("r", residual_shape);
  int y = b.AddOp("conv_res", schema::CreateConv2D(b.fbb(), 1, 1), {x, w, -1, r}, {1, 4, 4, 3});
  b.Output(y);
  std::shared_ptr<const Model> model;
  return LoadModel(b.Finish(), &model);
}

TEST_CASE("a Conv2D residual of another shape, or a constant one, is rejected by name") {
  CHECK(LoadResidualConv({1, 4, 4, 3}, false).ok());
  const Status bad = LoadResidualConv({1, 4, 4, 2}, false);
  REQUIRE_FALSE(bad.ok());
  CHECK_MESSAGE(bad.message().find("conv_res") != std::string::npos, bad.message());
  CHECK_MESSAGE(
      bad.message().find("residual [1, 4, 4, 2] must have the output's shape [1, 4, 4, 3]") !=
          std::string::npos,
      bad.message());
  const Status constant = LoadResidualConv({1, 4, 4, 3}, true);
  REQUIRE_FALSE(constant.ok());
  CHECK_MESSAGE(constant.message().find("residual must be an activation") != std::string::npos,
                constant.message());
}

}  // namespace
}  // namespace frost::testing
