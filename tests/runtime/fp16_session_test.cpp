// Models whose constants are stored as FLOAT16 (`frost convert --fp16`): Conv2D and
// FullyConnected convert their weights for XNNPACK and the reference kernel, every other op
// gets a float32 copy from the session, and the results are the float32 model's on the
// rounded weights.
#include "frost/half.hpp"
#include "ops/weights.hpp"
#include "test_models.hpp"

namespace frost::testing {
namespace {

std::vector<float> Run(const std::shared_ptr<const Model>& model, const std::vector<float>& in,
                       int64_t batch, bool reference) {
  return RunBatch(*NewSession(model, {.threads = 1, .reference = reference}), in, batch);
}

// Values k/64 in [-2, 2]: exactly representable in float16, so a FLOAT16 copy of them is
// the very same weights.
std::vector<float> HalfExact(size_t n, uint32_t seed) {
  std::vector<float> v = Random(n, seed, -2.0f, 2.0f);
  for (float& x : v) x = std::round(x * 64.0f) / 64.0f;
  return v;
}

// x [N, 4, 4, 3] NHWC -> conv 3x3 (pad 1, ReLU) to 6 channels -> global average pool ->
// reshape [N, 6] -> FC to 4. Weights stored as `type` (FLOAT32 or FLOAT16), biases FLOAT32.
ModelBytes ConvFc(schema::DataType type) {
  using schema::Layout;
  ModelBuilder b;
  auto weight = [&](const std::string& name, ModelBuilder::Shape shape, std::vector<float> v) {
    return type == schema::DataType::FLOAT16 ? b.ConstantHalf(name, shape, v)
                                             : b.Constant(name, shape, v);
  };
  const int x = b.Input("x", {1, 4, 4, 3});
  const int w = weight("conv.w", {6, 3, 3, 3}, HalfExact(6 * 27, 1));
  const int bias = b.Constant("conv.b", {6}, Random(6, 2));
  auto relu = schema::CreateFused(b.fbb(), schema::FusedActivation::RELU);
  const int c = b.AddOp("conv", schema::CreateConv2D(b.fbb(), 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, relu),
                        {x, w, bias}, {1, 4, 4, 6}, Layout::NHWC);
  const int g = b.AddOp("gap", schema::CreateGlobalPool(b.fbb()), {c}, {1, 1, 1, 6}, Layout::NHWC);
  const std::vector<int64_t> flat = {0, -1};
  const int f = b.AddOp("flat", schema::CreateReshapeDirect(b.fbb(), &flat), {g}, {1, 6});
  const int fw = weight("fc.w", {4, 6}, HalfExact(24, 3));
  const int fb = b.Constant("fc.b", {4}, Random(4, 4));
  b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {f, fw, fb}, {1, 4}));
  return b.Finish();
}

TEST_CASE("FLOAT16 conv and FC weights: fast path = reference, close to the float32 model") {
  auto half = Load(TinyCnn(1, true, /*fp16_weights=*/true));
  auto full = Load(TinyCnn());
  const std::vector<float> in = Random(4 * kTinyCnnInput, 5);
  const std::vector<float> fast = Run(half, in, 4, false), ref = Run(half, in, 4, true);
  ExpectClose(fast, ref, 1e-5f);
  // Rounding the weights to 11 significant bits moves these probabilities by well under
  // 2e-3 (measured: 3.1e-4), but it does move them: the weights really are float16.
  const std::vector<float> exact = Run(full, in, 4, true);
  ExpectClose(ref, exact, 2e-3f);
  CHECK(ref != exact);

  // XNNPACK (weights widened to float32 for it to pack) and frost's own kernels (weights
  // packed as halves) where this CPU has them.
  std::vector<std::pair<ConvKernels, std::string>> choices = {{ConvKernels::kXnnpack, "xnnpack"}};
  if (KernelsAvailable(ConvKernels::kAvx2)) choices.push_back({ConvKernels::kAvx2, "avx2"});
  if (KernelsAvailable(ConvKernels::kAvx512)) choices.push_back({ConvKernels::kAvx512, "avx512"});
  for (const auto& [choice, backend] : choices) {
    CAPTURE(backend);
    std::unique_ptr<Session> session;
    REQUIRE(Session::Create(half, {.conv_kernels = choice}, &session).ok());
    const auto kernels = session->KernelNames();
    CHECK(kernels[1] == "Conv2D " + backend);
    CHECK(kernels[3] == "Conv2D " + backend);
    CHECK(kernels[7] == "FullyConnected " + backend);
    std::vector<float> four(session->OutputElements(0, 4));
    REQUIRE(session->Run(in.data(), 4, four.data()).ok());
    ExpectClose(four, ref, 1e-5f);
    // A new batch size sets the kernels up again (XNNPACK's float32 copies are gone by then).
    std::vector<float> one(session->OutputElements(0, 1));
    REQUIRE(session->Run(in.data(), 1, one.data()).ok());
    ExpectClose(one, std::vector<float>(fast.begin(), fast.begin() + 5), 1e-5f);
  }
}

TEST_CASE("FLOAT16 weights that are exact in half precision give the float32 model's outputs") {
  auto half = Load(ConvFc(schema::DataType::FLOAT16));
  auto full = Load(ConvFc(schema::DataType::FLOAT32));
  const std::vector<float> in = Random(3 * 48, 6);
  for (bool reference : {false, true}) {
    CAPTURE(reference);
    CHECK(Run(half, in, 3, reference) == Run(full, in, 3, reference));
  }
}

// x [1, 4]: y1 = MatMul(x, W [4, 3]) + c [3], y2 = Concat(x, d [1, 2]); W, c, d FLOAT16, and
// the FLOAT16 constant e is itself a graph output.
TEST_CASE("Other ops reading FLOAT16 constants get float32 copies") {
  ModelBuilder b;
  b.SetBatchPolymorphic(false);
  const int x = b.Input("x", {1, 4});
  const std::vector<float> W = HalfExact(12, 7), c = HalfExact(3, 8), d = {0.5f, -1.25f},
                           e = {3.0f, 1e-3f};
  const int w = b.ConstantHalf("W", {4, 3}, W);
  const int mm = b.AddOp("mm", schema::CreateMatMul(b.fbb()), {x, w}, {1, 3});
  const int ct = b.ConstantHalf("c", {3}, c);
  b.Output(b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD), {mm, ct}, {1, 3}));
  const int dt = b.ConstantHalf("d", {1, 2}, d);
  b.Output(b.AddOp("concat", schema::CreateConcat(b.fbb(), 1), {x, dt}, {1, 6}));
  b.Output(b.ConstantHalf("e", {2}, e));
  auto model = Load(b.Finish());
  const std::vector<float> in = {1.0f, -2.0f, 0.25f, 4.0f};
  for (bool reference : {false, true}) {
    CAPTURE(reference);
    std::unique_ptr<Session> session;
    Status s = Session::Create(model, {.reference = reference}, &session);
    REQUIRE_MESSAGE(s.ok(), s.message());
    std::vector<float> y1(3), y2(6), y3(2);
    s = session->Run({in.data()}, 1, {y1.data(), y2.data(), y3.data()});
    REQUIRE_MESSAGE(s.ok(), s.message());
    for (int n = 0; n < 3; ++n) {
      float expected = c[n];
      for (int k = 0; k < 4; ++k) expected += in[k] * W[k * 3 + n];
      CHECK(y1[n] == doctest::Approx(expected).epsilon(1e-6));
    }
    CHECK(y2 == std::vector<float>{1.0f, -2.0f, 0.25f, 4.0f, 0.5f, -1.25f});
    CHECK(y3 == std::vector<float>{3.0f, HalfToFloat(FloatToHalf(1e-3f))});
  }
}

TEST_CASE("FLOAT16 activations and other stored types are refused, naming the tensor") {
  {
    ModelBuilder b;
    const int x = b.Input("x", {1, 3});
    const int y = b.AddOp("neg", schema::CreateUnary(b.fbb(), schema::UnaryKind::NEG), {x}, {1, 3});
    b.SetTensorType(y, schema::DataType::FLOAT16);
    b.Output(y);
    std::unique_ptr<Session> session;
    const Status s = Session::Create(Load(b.Finish()), {}, &session);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("'neg'") != std::string::npos);
    CHECK(s.message().find("FLOAT16") != std::string::npos);
    CHECK(s.message().find("activations") != std::string::npos);
  }
  {
    ModelBuilder b;
    const int x = b.Input("x", {1, 2});
    const int32_t values[4] = {1, 2, 3, 4};
    const int w = b.ConstantBytes("w_int32", {2, 2}, schema::DataType::INT32, values, 16);
    b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w}, {1, 2}));
    std::unique_ptr<Session> session;
    const Status s = Session::Create(Load(b.Finish()), {}, &session);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("'w_int32'") != std::string::npos);
    CHECK(s.message().find("INT32") != std::string::npos);
  }
}

// FloatConstant on its own: how a kernel sees a FLOAT16, a FLOAT32 and an absent input.
TEST_CASE("FloatConstant converts FLOAT16, uses FLOAT32 in place, and reloads after Release") {
  ModelBuilder b;
  const int x = b.Input("x", {1, 3});
  const std::vector<float> w = {0.1f, -2.5f, 1e5f, 3.0f, 1e-6f, 7.0f};
  const int wh = b.ConstantHalf("w16", {2, 3}, w);
  const int wf = b.Constant("w32", {2}, {1.5f, 2.5f});
  b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, wh, wf}, {1, 2}));
  const ModelBytes bytes = b.Finish();
  auto model = Load(bytes);
  const schema::Model& fb = *model->flatbuffer();
  auto constant = [&](int t) -> const void* {
    return model->data_segment() + fb.buffers()->Get(fb.tensors()->Get(t)->buffer())->offset();
  };
  ops::KernelArgs args;
  args.op = fb.operators()->Get(0);
  args.tensors = {fb.tensors()->Get(x), fb.tensors()->Get(wh), fb.tensors()->Get(wf), nullptr};
  args.data = {nullptr, constant(wh), constant(wf), nullptr};
  args.constants = {nullptr, nullptr, static_cast<const float*>(constant(wf)), nullptr};
  args.shapes = {{1, 3}, {2, 3}, {2}, {}};

  ops::FloatConstant half, full, absent, activation;
  REQUIRE(half.Bind(args, 1).ok());
  CHECK(half.data() == nullptr);  // converted on Load only
  REQUIRE(half.Load().ok());
  REQUIRE(half.data() != nullptr);
  for (size_t i = 0; i < w.size(); ++i) CHECK(half.data()[i] == HalfToFloat(FloatToHalf(w[i])));
  CHECK(std::isinf(half.data()[2]));  // 1e5 is beyond float16 (the converter refuses it)
  half.Release();
  CHECK(half.data() == nullptr);
  REQUIRE(half.Load().ok());
  REQUIRE(half.data() != nullptr);
  CHECK(half.data()[0] == HalfToFloat(FloatToHalf(0.1f)));

  REQUIRE(full.Bind(args, 2).ok());
  CHECK(full.data() == args.constants[2]);
  full.Release();
  CHECK(full.data() == args.constants[2]);  // in place: nothing to free

  REQUIRE(absent.Bind(args, 3).ok());
  CHECK(absent.data() == nullptr);
  const Status s = activation.Bind(args, 0);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("'x'") != std::string::npos);

  const int8_t int8_values[6] = {1, 2, 3, 4, 5, 6};
  args.data[1] = int8_values;
  schema::TensorT int8_tensor;
  int8_tensor.name = "w_int8";
  int8_tensor.type = schema::DataType::INT8;
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(schema::Tensor::Pack(fbb, &int8_tensor));
  args.tensors[1] = flatbuffers::GetRoot<schema::Tensor>(fbb.GetBufferPointer());
  const Status s8 = half.Bind(args, 1);
  CHECK_FALSE(s8.ok());
  CHECK(s8.message().find("'w_int8'") != std::string::npos);
  CHECK(s8.message().find("INT8") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
