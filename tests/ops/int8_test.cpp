// Quantized Conv2D / FullyConnected (INT8 weights): hand-computed values, the reference kernel
// against a float simulation of the quantization, the XNNPACK fast path against the
// reference, and the errors for malformed quantization.
#include <algorithm>

#include "op_test_util.hpp"

namespace frost::testing {
namespace {

struct Grid {
  float scale;
  int64_t zero_point;
};

// The grid point nearest to x (ties to even), as the runtime defines it.
int Quantize(float x, Grid g) {
  const float v = std::nearbyint(x * (1.0f / g.scale)) + float(g.zero_point);
  return int(std::min(127.0f, std::max(-128.0f, v)));
}
float Dequantize(int q, Grid g) { return float(q - g.zero_point) * g.scale; }

struct Int8Conv {
  int64_t n = 1, h = 5, w = 5, c = 3, o = 4;
  int kh = 3, kw = 3, stride = 1, dilation = 1, pad = 1, groups = 1;
  bool bias = true;
  schema::FusedActivation fused = schema::FusedActivation::NONE;
  float clip_min = 0, clip_max = 0;
  Grid in{0.02f, 5}, out{0.05f, -7};

  int64_t oh() const { return (h + 2 * pad - (int64_t(kh) - 1) * dilation - 1) / stride + 1; }
  int64_t ow() const { return (w + 2 * pad - (int64_t(kw) - 1) * dilation - 1) / stride + 1; }
  int64_t group_in() const { return c / groups; }
};

// Random int8 weights with per-channel scales, and a float bias.
struct Weights {
  std::vector<int8_t> q;
  std::vector<float> scales, bias;
};

Weights RandomWeights(int64_t out_channels, int64_t per_channel, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(-127, 127);
  std::uniform_real_distribution<float> scale(0.001f, 0.01f), bias(-0.5f, 0.5f);
  Weights w;
  for (int64_t i = 0; i < out_channels * per_channel; ++i) w.q.push_back(int8_t(value(rng)));
  for (int64_t o = 0; o < out_channels; ++o) {
    w.scales.push_back(scale(rng));
    w.bias.push_back(bias(rng));
  }
  return w;
}

ModelBytes Int8ConvModel(const Int8Conv& c, const Weights& wt) {
  ModelBuilder b;
  int x = b.Input("x", {c.n, c.h, c.w, c.c});
  b.SetQuantization(x, {c.in.scale}, {c.in.zero_point});
  int w = b.ConstantInt8("w", {c.o, c.kh, c.kw, c.group_in()}, wt.q, wt.scales,
                         std::vector<int64_t>(size_t(c.o), 0), 0);
  std::vector<int> inputs = {x, w};
  if (c.bias) inputs.push_back(b.Constant("b", {c.o}, wt.bias));
  auto fused = MakeFused(b.fbb(), c.fused, c.clip_min, c.clip_max);
  auto options = schema::CreateConv2D(b.fbb(), c.kh, c.kw, c.stride, c.stride, c.dilation,
                                      c.dilation, c.pad, c.pad, c.pad, c.pad, c.groups, fused);
  int y = b.AddOp("conv", options, inputs, {c.n, c.oh(), c.ow(), c.o});
  b.SetQuantization(y, {c.out.scale}, {c.out.zero_point});
  b.Output(y);
  return b.Finish();
}

// FullyConnected [n, k] -> [n, o] with ReLU (o = wt.scales.size()).
ModelBytes Int8FcModel(int64_t n, int64_t k, const Weights& wt, Grid in, Grid out) {
  const int64_t o = int64_t(wt.scales.size());
  ModelBuilder b;
  int x = b.Input("x", {n, k});
  b.SetQuantization(x, {in.scale}, {in.zero_point});
  int w = b.ConstantInt8("w", {o, k}, wt.q, wt.scales, std::vector<int64_t>(size_t(o), 0), 0);
  int bias = b.Constant("b", {o}, wt.bias);
  auto fused = MakeFused(b.fbb(), schema::FusedActivation::RELU);
  int y = b.AddOp("fc", schema::CreateFullyConnected(b.fbb(), fused), {x, w, bias}, {n, o});
  b.SetQuantization(y, {out.scale}, {out.zero_point});
  b.Output(y);
  return b.Finish();
}

// The op simulated in double precision on dequantized values: the input rounded onto its
// grid, weights w_q * s_w, the sum, bias and clamp, then rounded onto the output grid.
std::vector<float> SimulateConv(const Int8Conv& c, const Weights& wt, const std::vector<float>& x) {
  std::vector<float> y(size_t(c.n * c.oh() * c.ow() * c.o));
  const int64_t group_out = c.o / c.groups;
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t oy = 0; oy < c.oh(); ++oy)
      for (int64_t ox = 0; ox < c.ow(); ++ox)
        for (int64_t o = 0; o < c.o; ++o) {
          double acc = c.bias ? wt.bias[o] : 0.0;
          for (int ky = 0; ky < c.kh; ++ky)
            for (int kx = 0; kx < c.kw; ++kx) {
              const int64_t iy = oy * c.stride - c.pad + ky * c.dilation;
              const int64_t ix = ox * c.stride - c.pad + kx * c.dilation;
              if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
              for (int64_t k = 0; k < c.group_in(); ++k) {
                const int64_t ch = (o / group_out) * c.group_in() + k;
                const float xv = x[size_t(((n * c.h + iy) * c.w + ix) * c.c + ch)];
                const double xd = Dequantize(Quantize(xv, c.in), c.in);
                const int8_t wq = wt.q[size_t(((o * c.kh + ky) * c.kw + kx) * c.group_in() + k)];
                acc += xd * double(wq) * double(wt.scales[o]);
              }
            }
          float v = float(acc);
          if (c.fused == schema::FusedActivation::RELU) v = std::max(v, 0.0f);
          if (c.fused == schema::FusedActivation::CLIP) v = std::min(std::max(v, c.clip_min), c.clip_max);
          y[size_t(((n * c.oh() + oy) * c.ow() + ox) * c.o + o)] =
              Dequantize(Quantize(v, c.out), c.out);
        }
  return y;
}

// Every element of `a` within `steps` grid steps of `b`; returns how many differ at all.
size_t ExpectWithinSteps(const std::vector<float>& a, const std::vector<float>& b, Grid g,
                         int steps) {
  REQUIRE(a.size() == b.size());
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const float d = std::fabs(a[i] - b[i]) / g.scale;
    if (d > 0.01f) ++differ;
    if (d > float(steps) + 0.01f) {
      FAIL_CHECK("element " << i << ": " << a[i] << " vs " << b[i] << " (" << d << " steps)");
      break;
    }
  }
  return differ;
}

RunResult Run(const ModelBytes& bytes, const std::vector<float>& x, int64_t batch, bool reference,
              int threads = 1, ConvKernels kernels = ConvKernels::kAuto) {
  RunResult r = RunModel(bytes, {x}, batch, reference, threads, kernels);
  REQUIRE_MESSAGE(r.status.ok(), r.status.message());
  return r;
}

// Runs `bytes` on the reference kernels and on `kernels`, which must run op 0 on `backend`
// and give exactly the reference's values; returns the fast run.
RunResult ExpectSameAsReference(const ModelBytes& bytes, const std::vector<float>& x,
                                int64_t batch, int threads, ConvKernels kernels,
                                const std::string& backend) {
  RunResult ref = Run(bytes, x, batch, /*reference=*/true);
  RunResult fast = Run(bytes, x, batch, /*reference=*/false, threads, kernels);
  CHECK(fast.kernels[0] == backend);
  CHECK(fast.outputs[0] == ref.outputs[0]);
  return fast;
}

// The backend a session with ConvKernels::kAuto runs int8 ops on, on this CPU.
std::string AutoInt8Backend() { return Int8KernelsAvailable() ? "avx512vnni" : "xnnpack"; }

TEST_CASE("int8 FullyConnected by hand") {
  // x = {1.0, -0.6} on grid (0.5, 1) -> q {3, 0} -> q - z {2, -1}.
  // Row 0: w {10, -20} * 0.1: acc 40, y = 40 * 0.05 + 0.3 = 2.3 -> grid (0.25, -3): 9.2 -> 9 - 3 = 6
  // -> 2.25. Row 1: w {5, 7} * 0.2: acc 3, y = 3 * 0.1 - 0.1 = 0.2 -> 0.8 -> 1 - 3 = -2 -> 0.25.
  ModelBuilder b;
  int x = b.Input("x", {1, 2});
  b.SetQuantization(x, {0.5f}, {1});
  int w = b.ConstantInt8("w", {2, 2}, {10, -20, 5, 7}, {0.1f, 0.2f}, {0, 0}, 0);
  int bias = b.Constant("b", {2}, {0.3f, -0.1f});
  int y = b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w, bias}, {1, 2});
  b.SetQuantization(y, {0.25f}, {-3});
  b.Output(y);
  ModelBytes bytes = b.Finish();
  for (bool reference : {true, false}) {
    RunResult r = Run(bytes, {1.0f, -0.6f}, 1, reference);
    CHECK(r.outputs[0] == std::vector<float>{2.25f, 0.25f});
    CHECK(r.kernels[0] == "FullyConnected " + (reference ? "reference" : AutoInt8Backend()));
  }
}

TEST_CASE("int8 Conv2D by hand: ties round to even") {
  // x = 1..9 (grid scale 1, zero point 0: exact), a 2x2 kernel of ones (scale 1), bias 1:
  // sums 13, 17, 25, 29 on the output grid (2, -10): 6.5, 8.5, 12.5, 14.5 round to 6, 8, 12,
  // 14, i.e. 12, 16, 24, 28.
  ModelBuilder b;
  int x = b.Input("x", {1, 3, 3, 1});
  b.SetQuantization(x, {1.0f}, {0});
  int w = b.ConstantInt8("w", {1, 2, 2, 1}, {1, 1, 1, 1}, {1.0f}, {0}, 0);
  int bias = b.Constant("b", {1}, {1.0f});
  int y = b.AddOp("conv", schema::CreateConv2D(b.fbb(), 2, 2), {x, w, bias}, {1, 2, 2, 1});
  b.SetQuantization(y, {2.0f}, {-10});
  b.Output(y);
  ModelBytes bytes = b.Finish();
  for (bool reference : {true, false}) {
    RunResult r = Run(bytes, {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, reference);
    CHECK(r.outputs[0] == std::vector<float>{12, 16, 24, 28});
  }
}

TEST_CASE("int8 Conv2D by hand: padding adds nothing, ReLU, saturation") {
  // Input grid (0.5, 10): padding must count as real 0, not as q = 0 (that would be -5).
  // x = {-1, 3} in a 1x2 image, 1x3 kernel {1, 2, 3} (scale 0.5), pad 1 left and right:
  // q - z = {-2, 6}; out 0 = 0 * 1 + (-2) * 2 + 6 * 3 = 14 -> 14 * 0.25 = 3.5;
  // out 1 = -2 * 1 + 6 * 2 + 0 * 3 = 10 -> 2.5. Output grid (0.012, -128), top 3.06: 3.5
  // saturates at 127 -> 3.06, 2.5 -> 208.3 -> 208 - 128 = 80 -> 2.496. A second channel with
  // the weights negated gives -3.5 and -2.5, which ReLU clamps to 0 (q = -128).
  ModelBuilder b;
  int x = b.Input("x", {1, 1, 2, 1});
  b.SetQuantization(x, {0.5f}, {10});
  int w = b.ConstantInt8("w", {2, 1, 3, 1}, {1, 2, 3, -1, -2, -3}, {0.5f, 0.5f}, {0, 0}, 0);
  auto fused = MakeFused(b.fbb(), schema::FusedActivation::RELU);
  auto options = schema::CreateConv2D(b.fbb(), 1, 3, 1, 1, 1, 1, 0, 1, 0, 1, 1, fused);
  int y = b.AddOp("conv", options, {x, w}, {1, 1, 2, 2});
  b.SetQuantization(y, {0.012f}, {-128});
  b.Output(y);
  ModelBytes bytes = b.Finish();
  for (bool reference : {true, false}) {
    RunResult r = Run(bytes, {-1.0f, 3.0f}, 1, reference);
    const std::vector<float> expected = {3.06f, 0.0f, 2.496f, 0.0f};
    for (size_t i = 0; i < expected.size(); ++i) {
      CHECK(r.outputs[0][i] == doctest::Approx(expected[i]).epsilon(1e-6));
    }
  }
}

TEST_CASE("int8 Conv2D reference equals the quantization simulated in double") {
  std::vector<Int8Conv> cases(6);
  cases[1].stride = 2;
  cases[1].fused = schema::FusedActivation::RELU;
  cases[2].dilation = 2, cases[2].pad = 2, cases[2].bias = false;
  cases[3].c = 4, cases[3].o = 6, cases[3].groups = 2;
  cases[4].c = 4, cases[4].o = 4, cases[4].groups = 4;  // depthwise
  cases[4].fused = schema::FusedActivation::CLIP, cases[4].clip_min = -0.3f, cases[4].clip_max = 0.4f;
  cases[5].n = 2, cases[5].kh = cases[5].kw = 1, cases[5].pad = 0, cases[5].c = 16;
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const Int8Conv& c = cases[i];
    const Weights wt = RandomWeights(c.o, c.kh * c.kw * c.group_in(), 7 + i);
    const std::vector<float> x = Random(size_t(c.n * c.h * c.w * c.c), 11 + i, -2.0f, 2.5f);
    RunResult r = Run(Int8ConvModel(c, wt), x, c.n, /*reference=*/true);
    // The bias rounded to accumulator units and the float rounding of the factors can move a
    // value sitting on a rounding boundary by one step, no more, and rarely.
    const size_t differ = ExpectWithinSteps(r.outputs[0], SimulateConv(c, wt, x), c.out, 1);
    CHECK(differ * 100 <= r.outputs[0].size());
  }
}

TEST_CASE("int8 Conv2D and FullyConnected: XNNPACK gives the reference's values exactly") {
  // Larger channel counts reach XNNPACK's blocked kernels and remainders.
  std::vector<Int8Conv> cases(5);
  cases[0].c = 32, cases[0].o = 48, cases[0].h = cases[0].w = 9;
  cases[1].c = 19, cases[1].o = 21, cases[1].stride = 2, cases[1].fused = schema::FusedActivation::RELU;
  cases[2].c = 8, cases[2].o = 8, cases[2].groups = 8;  // depthwise
  cases[3].n = 3, cases[3].c = 64, cases[3].o = 16, cases[3].kh = cases[3].kw = 1, cases[3].pad = 0;
  cases[4].c = 3, cases[4].o = 16, cases[4].h = cases[4].w = 12, cases[4].in = {0.03f, -20};
  size_t differ = 0, total = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const Int8Conv& c = cases[i];
    const Weights wt = RandomWeights(c.o, c.kh * c.kw * c.group_in(), 21 + i);
    const std::vector<float> x = Random(size_t(c.n * c.h * c.w * c.c), 31 + i, -2.0f, 2.5f);
    RunResult ref = Run(Int8ConvModel(c, wt), x, c.n, /*reference=*/true);
    RunResult fast = ExpectSameAsReference(Int8ConvModel(c, wt), x, c.n, 1, ConvKernels::kXnnpack,
                                           "Conv2D xnnpack");
    differ += ExpectWithinSteps(fast.outputs[0], ref.outputs[0], c.out, 1);
    total += ref.outputs[0].size();
  }
  // Fully connected through the 1x1 convolution, batch 4.
  const int64_t K = 70, O = 33, N = 4;
  ModelBytes bytes = Int8FcModel(N, K, RandomWeights(O, K, 41), {0.02f, -3}, {0.03f, -128});
  const std::vector<float> xs = Random(size_t(N * K), 43, -2.0f, 2.5f);
  RunResult ref = Run(bytes, xs, N, true);
  RunResult fast = ExpectSameAsReference(bytes, xs, N, 1, ConvKernels::kXnnpack,
                                         "FullyConnected xnnpack");
  differ += ExpectWithinSteps(fast.outputs[0], ref.outputs[0], {0.03f, -128}, 1);
  total += ref.outputs[0].size();
  MESSAGE(differ << " of " << total << " outputs differ");
  CHECK(differ == 0);
}

TEST_CASE("int8 Conv2D and FullyConnected: frost's VNNI kernels give the reference's values exactly") {
  if (!Int8KernelsAvailable()) {
    MESSAGE("skipped: this CPU has no AVX-512 VNNI");
    return;
  }
  // Every way rows reach the GEMM: in place (1x1), per tap (channels a multiple of 4, >= 16),
  // gathered (3, 8 or 19 channels); output channels that leave part of a 32-wide panel; k in
  // several blocks (1040 channels 1x1; 300 x 9 taps, three taps a block; 1100 channels, each
  // tap in two parts); more rows than one task; zero points at the ends of the range.
  std::vector<Int8Conv> cases(12);
  cases[0].c = 64, cases[0].o = 48, cases[0].h = cases[0].w = 20, cases[0].n = 2;
  cases[1].c = 19, cases[1].o = 21, cases[1].stride = 2, cases[1].fused = schema::FusedActivation::RELU;
  cases[2].c = 3, cases[2].o = 16, cases[2].h = cases[2].w = 12, cases[2].in = {0.03f, -20};
  cases[2].kh = cases[2].kw = 7, cases[2].stride = 2, cases[2].pad = 3;
  cases[3].n = 3, cases[3].c = 64, cases[3].o = 40, cases[3].kh = cases[3].kw = 1, cases[3].pad = 0;
  cases[4].c = 32, cases[4].o = 64, cases[4].kh = cases[4].kw = 1, cases[4].pad = 0;
  cases[4].stride = 2, cases[4].h = cases[4].w = 9;
  cases[5].c = 16, cases[5].o = 33, cases[5].dilation = 2, cases[5].pad = 2, cases[5].bias = false;
  cases[5].in = {0.02f, 127}, cases[5].out = {0.04f, 127};
  cases[6].c = 8, cases[6].o = 7, cases[6].in = {0.02f, -128};
  cases[6].fused = schema::FusedActivation::CLIP, cases[6].clip_min = -0.3f, cases[6].clip_max = 0.4f;
  cases[7].c = 1040, cases[7].o = 35, cases[7].kh = cases[7].kw = 1, cases[7].pad = 0;
  cases[7].h = cases[7].w = 3;
  cases[8].c = 300, cases[8].o = 32, cases[8].h = cases[8].w = 4;
  cases[9].c = 1100, cases[9].o = 20, cases[9].h = cases[9].w = 3, cases[9].in = {0.01f, -60};
  cases[10].c = 128, cases[10].o = 130, cases[10].h = cases[10].w = 7, cases[10].stride = 2;
  cases[10].fused = schema::FusedActivation::RELU, cases[10].out = {0.01f, -128};
  cases[11].c = 4, cases[11].o = 5, cases[11].kh = 1, cases[11].kw = 3, cases[11].pad = 1;
  for (size_t i = 0; i < cases.size(); ++i) {
    CAPTURE(i);
    const Int8Conv& c = cases[i];
    const Weights wt = RandomWeights(c.o, c.kh * c.kw * c.group_in(), 51 + i);
    std::vector<float> x = Random(size_t(c.n * c.h * c.w * c.c), 61 + i, -2.0f, 2.5f);
    // Values past the input grid's ends and NaN (quantized to -128) too.
    x[0] = NAN, x[x.size() / 2] = 1e9f, x[x.size() - 1] = -INFINITY;
    for (int threads : {1, 2}) {
      CAPTURE(threads);
      ExpectSameAsReference(Int8ConvModel(c, wt), x, c.n, threads, ConvKernels::kAvx512,
                            "Conv2D avx512vnni");
    }
  }
  // FullyConnected: k a multiple of 4 (rows in place) or not (gathered, k padded).
  for (int64_t K : {64, 70, 2050}) {
    CAPTURE(K);
    const int64_t N = 5, O = 45;
    ModelBytes bytes = Int8FcModel(N, K, RandomWeights(O, K, 71), {0.02f, -3}, {0.03f, -100});
    const std::vector<float> x = Random(size_t(N * K), 73, -2.0f, 2.5f);
    ExpectSameAsReference(bytes, x, N, 2, ConvKernels::kAvx512, "FullyConnected avx512vnni");
  }
  // A grouped convolution stays on XNNPACK.
  Int8Conv grouped;
  grouped.c = 8, grouped.o = 8, grouped.groups = 2;
  ModelBytes bytes = Int8ConvModel(grouped, RandomWeights(8, 9 * 4, 81));
  const std::vector<float> x = Random(size_t(grouped.h * grouped.w * 8), 83);
  CHECK(Run(bytes, x, 1, false, 1, ConvKernels::kAvx512).kernels[0] == "Conv2D xnnpack");
}

TEST_CASE("int8 ops: malformed quantization is a clear error") {
  auto build = [](bool input_params, int64_t weight_zero_point, float scale0) {
    ModelBuilder b;
    int x = b.Input("x", {1, 2});
    if (input_params) b.SetQuantization(x, {0.5f}, {0});
    int w = b.ConstantInt8("w", {2, 2}, {1, 2, 3, 4}, {scale0, 0.1f}, {weight_zero_point, 0}, 0);
    int y = b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w}, {1, 2});
    b.SetQuantization(y, {0.1f}, {0});
    b.Output(y);
    return b.Finish();
  };
  RunResult r = RunModel(build(false, 0, 0.1f), {{1, 2}}, 1, false);
  CHECK(r.status.message().find("input 'x' needs per-tensor int8 quantization") != std::string::npos);
  r = RunModel(build(true, 3, 0.1f), {{1, 2}}, 1, true);
  CHECK(r.status.message().find("must be symmetric") != std::string::npos);
  std::shared_ptr<const Model> model;
  Status s = LoadModel(build(true, 0, -1.0f), &model);
  CHECK(s.message().find("'w': quantization scale 0 is -1") != std::string::npos);

  // An INT8 tensor anywhere but a weight, and INT8 without quantization.
  ModelBuilder b;
  int x = b.Input("x", {1, 2});
  int c = b.ConstantInt8("c", {2}, {1, 2}, {1.0f}, {0}, -1);
  int y = b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD), {x, c}, {1, 2});
  b.Output(y);
  r = RunModel(b.Finish(), {{1, 2}}, 1, false);
  CHECK(r.status.message().find("is INT8: only the weight of a Conv2D or FullyConnected") !=
        std::string::npos);
  // A weight that is also a graph output: outputs are float32, this one has no such values.
  ModelBuilder out;
  x = out.Input("x", {1, 2});
  out.SetQuantization(x, {0.5f}, {0});
  int w = out.ConstantInt8("w", {2, 2}, {1, 2, 3, 4}, {0.1f, 0.1f}, {0, 0}, 0);
  y = out.AddOp("fc", schema::CreateFullyConnected(out.fbb()), {x, w}, {1, 2});
  out.SetQuantization(y, {0.1f}, {0});
  out.Output(y);
  out.Output(w);
  r = RunModel(out.Finish(), {{1, 2}}, 1, false);
  CHECK(r.status.message().find("'w' is INT8") != std::string::npos);
  ModelBuilder nq;
  x = nq.Input("x", {1, 2});
  c = nq.ConstantBytes("c", {2}, schema::DataType::INT8, "\x01\x02", 2);
  y = nq.AddOp("add", schema::CreateBinary(nq.fbb(), schema::BinaryKind::ADD), {x, c}, {1, 2});
  nq.Output(y);
  CHECK(LoadModel(nq.Finish(), &model).message().find("INT8 without quantization") !=
        std::string::npos);
}

TEST_CASE("an int8 Conv2D with a residual (4th input) is refused when the session is made") {
  ModelBuilder b;
  int x = b.Input("x", {1, 3, 3, 1});
  b.SetQuantization(x, {1.0f}, {0});
  int w = b.ConstantInt8("w", {1, 2, 2, 1}, {1, 1, 1, 1}, {1.0f}, {0}, 0);
  int r = b.Input("r", {1, 2, 2, 1});
  int y = b.AddOp("conv_q", schema::CreateConv2D(b.fbb(), 2, 2), {x, w, -1, r}, {1, 2, 2, 1});
  b.SetQuantization(y, {2.0f}, {-10});
  b.Output(y);
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(b.Finish(), &model).ok());
  for (bool reference : {true, false}) {
    std::unique_ptr<Session> session;
    const Status s = Session::Create(model, {.reference = reference}, &session);
    REQUIRE_FALSE(s.ok());
    CHECK_MESSAGE(s.message().find("conv_q") != std::string::npos, s.message());
    CHECK_MESSAGE(s.message().find("INT8 weight takes no residual") != std::string::npos,
                  s.message());
  }
}

}  // namespace
}  // namespace frost::testing
