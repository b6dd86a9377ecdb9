// Weights stored in PANELS32 layout (frost convert's default for the layers frost's x86
// kernels run): the layout itself, and sessions on such a model computing exactly what the
// same model with plain weights computes, on every kernel choice and the reference kernels.
#include "frost/panels.hpp"
#include "kernel_choices.hpp"
#include "test_models.hpp"

namespace frost::testing {
namespace {

TEST_CASE("PackPanels puts channel 32p+r, value i at [p][i][r], zeros past n; Unpack inverts it") {
  for (int64_t n : {1, 31, 32, 33, 70}) {
    for (int64_t k : {1, 5, 17}) {
      CAPTURE(n);
      CAPTURE(k);
      std::vector<uint32_t> w(size_t(n * k));
      for (size_t i = 0; i < w.size(); ++i) w[i] = uint32_t(i + 1);
      std::vector<uint32_t> packed(PanelBytes(n, k, 4) / 4, 0xdeadbeef);
      PackPanels(w.data(), n, k, 4, packed.data());
      for (int64_t p = 0; p < PanelCount(n); ++p) {
        for (int64_t i = 0; i < k; ++i) {
          for (int64_t r = 0; r < kPanelWidth; ++r) {
            const int64_t row = p * kPanelWidth + r;
            const uint32_t expected = row < n ? w[size_t(row * k + i)] : 0;
            REQUIRE(packed[size_t((p * k + i) * kPanelWidth + r)] == expected);
          }
        }
      }
      std::vector<uint32_t> back(w.size());
      UnpackPanels(packed.data(), n, k, 4, back.data());
      CHECK(back == w);
      // Two-byte elements (FLOAT16) move the same way.
      std::vector<uint16_t> h(w.begin(), w.end()), hp(PanelBytes(n, k, 2) / 2), hb(h.size());
      PackPanels(h.data(), n, k, 2, hp.data());
      UnpackPanels(hp.data(), n, k, 2, hb.data());
      CHECK(hb == h);
      CHECK(hp[0] == h[0]);
    }
  }
}

// x [N, 5, 5, 6] NHWC -> conv 3x3 (pad 1, ReLU) to 70 channels (two whole panels and one of
// 6) -> global average pool -> reshape [N, 70] -> FC to 37. Weights in `layout` (PLAIN or
// PANELS32), as FLOAT32 or FLOAT16 (`half`); values k/64, exact in half precision.
ModelBytes ConvFc(schema::Layout layout, bool half) {
  using schema::Layout;
  ModelBuilder b;
  auto weight = [&](const std::string& name, ModelBuilder::Shape shape, uint32_t seed) {
    std::vector<float> v = Random(size_t(Count(shape)), seed, -2.0f, 2.0f);
    for (float& x : v) x = std::round(x * 64.0f) / 64.0f;
    if (layout == Layout::PANELS32) return b.ConstantPanels(name, shape, v, half);
    return half ? b.ConstantHalf(name, shape, v) : b.Constant(name, shape, v);
  };
  const int x = b.Input("x", {1, 5, 5, 6});
  const int w = weight("conv.w", {70, 3, 3, 6}, 1);
  const int bias = b.Constant("conv.b", {70}, Random(70, 2));
  auto relu = schema::CreateFused(b.fbb(), schema::FusedActivation::RELU);
  const int c = b.AddOp("conv", schema::CreateConv2D(b.fbb(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, relu),
                        {x, w, bias}, {1, 5, 5, 70}, Layout::NHWC);
  const int g = b.AddOp("gap", schema::CreateGlobalPool(b.fbb()), {c}, {1, 1, 1, 70}, Layout::NHWC);
  const std::vector<int64_t> flat = {0, -1};
  const int f = b.AddOp("flat", schema::CreateReshapeDirect(b.fbb(), &flat), {g}, {1, 70});
  const int fw = weight("fc.w", {37, 70}, 3);
  const int fb = b.Constant("fc.b", {37}, Random(37, 4));
  b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {f, fw, fb}, {1, 37}));
  return b.Finish();
}

std::vector<float> Run(const std::shared_ptr<const Model>& model, const std::vector<float>& in,
                       int64_t batch, const SessionOptions& options) {
  std::unique_ptr<Session> session;
  Status s = Session::Create(model, options, &session);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return RunBatch(*session, in, batch);
}

TEST_CASE("PANELS32 weights compute what plain ones do, on every kernel choice and threads") {
  for (bool half : {false, true}) {
    CAPTURE(half);
    auto panels = Load(ConvFc(schema::Layout::PANELS32, half));
    auto plain = Load(ConvFc(schema::Layout::PLAIN, half));
    const std::vector<float> in = Random(3 * 5 * 5 * 6, 5);
    const std::vector<float> ref = Run(plain, in, 3, {.threads = 1, .reference = true});
    CHECK(Run(panels, in, 3, {.threads = 1, .reference = true}) == ref);
    for (const auto& [choice, name] : ConvKernelChoices()) {
      for (int threads : {1, 2}) {
        const std::string backend = name;
        CAPTURE(backend);
        CAPTURE(threads);
        const SessionOptions options{.threads = threads, .conv_kernels = choice};
        // The same arithmetic on the same weights: the same bits, packed at start or not.
        const std::vector<float> out = Run(panels, in, 3, options);
        CHECK(out == Run(plain, in, 3, options));
        ExpectClose(out, ref, 1e-4f);
        std::unique_ptr<Session> session;
        REQUIRE(Session::Create(panels, options, &session).ok());
        CHECK(session->KernelNames()[0] == "Conv2D " + backend);
      }
    }
  }
}

TEST_CASE("PANELS32 is refused, named, where it does not fit") {
  auto load = [](ModelBytes bytes) {
    std::shared_ptr<const Model> model;
    Status s = LoadModel(bytes, &model);
    if (s.ok()) {
      std::unique_ptr<Session> session;
      s = Session::Create(model, {}, &session);
    }
    return s;
  };
  SUBCASE("a buffer of the plain size") {
    ModelBuilder b;
    const int x = b.Input("x", {1, 4});
    const int w = b.Constant("fc.w", {3, 4}, Random(12, 1), schema::Layout::PANELS32);
    b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w, -1}, {1, 3}));
    const Status s = load(b.Finish());
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("'fc.w'") != std::string::npos);
    CHECK(s.message().find("in panels of 32 needs 512") != std::string::npos);
  }
  SUBCASE("on a constant another op reads") {
    ModelBuilder b;
    b.SetBatchPolymorphic(false);
    const int x = b.Input("x", {2, 4});
    const int c = b.ConstantPanels("c", {2, 4}, Random(8, 1));
    b.Output(b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD), {x, c}, {2, 4}));
    const Status s = load(b.Finish());
    REQUIRE_FALSE(s.ok());
    CHECK_MESSAGE(s.message().find("'c' has PANELS32 layout") != std::string::npos, s.message());
  }
  SUBCASE("on a one-dimensional or INT8 tensor") {
    ModelBuilder b;
    const int x = b.Input("x", {1, 4});
    const std::vector<int8_t> q(128 * 4, 1);
    const int w = b.ConstantBytes("fc.w", {4}, schema::DataType::INT8, q.data(), q.size(),
                                  schema::Layout::PANELS32);
    b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w, -1}, {1, 1}));
    const Status s = load(b.Finish());
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("PANELS32 layout is for FLOAT32 or FLOAT16") != std::string::npos);
  }
}

}  // namespace
}  // namespace frost::testing
