// --quantize int8: a small ONNX model quantized with a few synthetic calibration inputs
// (npy:), the grid and weight helpers by hand, and the errors for bad calibration data.
#include <cstring>
#include <filesystem>
#include <map>

#include "convert_test_util.hpp"
#include "frost/finetune.hpp"
#include "frost/io/npy.hpp"
#include "quantize/quantize_int8.hpp"
#include "quantize/range.hpp"

namespace frost::testing {
namespace {

constexpr int64_t kSamples = 12, kClasses = 3;

// stem conv 3->8 (+relu), conv 8->16 (+relu), conv 1x1 16->16 without bias (+relu), global
// average pool, flatten, FC 16->12 (+relu), classifier FC 12->4.
struct SmallNet {
  std::vector<float> w1 = Random(8 * 3 * 9, 1), b1 = Random(8, 2);
  std::vector<float> w2 = Random(16 * 8 * 9, 3, -0.3f, 0.3f), b2 = Random(16, 4);
  std::vector<float> w3 = Random(16 * 16, 5, -0.5f, 0.5f);
  std::vector<float> wf1 = Random(12 * 16, 6), bf1 = Random(12, 7);
  std::vector<float> wf2 = Random(4 * 12, 8), bf2 = Random(4, 9);

  OnnxBuilder Build() const {
    OnnxBuilder b(13);
    b.Input("x", {1, 3, 8, 8});
    b.Initializer("w1", {8, 3, 3, 3}, w1).Initializer("b1", {8}, b1);
    b.Initializer("w2", {16, 8, 3, 3}, w2).Initializer("b2", {16}, b2);
    b.Initializer("w3", {16, 16, 1, 1}, w3);
    b.Initializer("wf1", {12, 16}, wf1).Initializer("bf1", {12}, bf1);
    b.Initializer("wf2", {4, 12}, wf2).Initializer("bf2", {4}, bf2);
    b.Node("Conv", {"x", "w1", "b1"}, {"c1"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
    b.Node("Relu", {"c1"}, {"r1"});
    b.Node("Conv", {"r1", "w2", "b2"}, {"c2"}).Ints("kernel_shape", {3, 3}).Ints("pads", {1, 1, 1, 1});
    b.Node("Relu", {"c2"}, {"r2"});
    b.Node("Conv", {"r2", "w3"}, {"c3"}).Ints("kernel_shape", {1, 1});
    b.Node("Relu", {"c3"}, {"r3"});
    b.Node("GlobalAveragePool", {"r3"}, {"g"});
    b.Node("Flatten", {"g"}, {"f"});
    b.Node("Gemm", {"f", "wf1", "bf1"}, {"h"}).Int("transB", 1);
    b.Node("Relu", {"h"}, {"hr"});
    b.Node("Gemm", {"hr", "wf2", "bf2"}, {"y"}).Int("transB", 1);
    b.Output("y");
    return b;
  }
};

// kSamples preprocessed images [N, 3, 8, 8] and labels 0..kClasses-1 as npy files.
std::string WriteCalibration(const TempDir& dir) {
  const std::vector<float> images = Random(size_t(kSamples) * 3 * 64, 11, -2.0f, 2.0f);
  std::vector<float> labels;
  for (int64_t i = 0; i < kSamples; ++i) labels.push_back(float(i % kClasses));
  REQUIRE(io::WriteNpy(dir.File("images.npy"), {kSamples, 3, 8, 8}, images.data()).ok());
  REQUIRE(io::WriteNpy(dir.File("labels.npy"), {kSamples}, labels.data()).ok());
  return "npy:" + dir.File("images.npy") + "," + dir.File("labels.npy");
}

const schema::Tensor& WeightOf(const Model& m, const schema::Operator& op) {
  return *m.flatbuffer()->tensors()->Get(op.inputs()->Get(1));
}

std::vector<const schema::Operator*> Ops(const Model& m, schema::OpOptions type) {
  std::vector<const schema::Operator*> ops;
  for (const schema::Operator* op : *m.flatbuffer()->operators()) {
    if (op->options_type() == type) ops.push_back(op);
  }
  return ops;
}

std::vector<float> RunFloat(const std::shared_ptr<const Model>& model, const std::vector<float>& x,
                            bool reference) {
  std::unique_ptr<Session> session;
  SessionOptions options;
  options.reference = reference;
  REQUIRE(Session::Create(model, options, &session).ok());
  std::vector<float> y(session->OutputElements(0, 1));
  REQUIRE(session->Run(x.data(), 1, y.data()).ok());
  return y;
}

TEST_CASE("quantize int8: a small network with synthetic calibration data") {
  TempDir dir;
  SmallNet net;
  OnnxBuilder onnx = net.Build();
  ConvertOptions float_options;
  float_options.output_path = dir.File("fp32.frost");
  Converted fp32 = Convert(onnx, dir, float_options);
  REQUIRE_MESSAGE(fp32.status.ok(), fp32.status.message());
  ConvertOptions options;
  options.quantize = "int8";
  options.calibration = WriteCalibration(dir);
  options.calibration_images = 6;
  Converted int8 = Convert(onnx, dir, options);
  REQUIRE_MESSAGE(int8.status.ok(), int8.status.message());
  CHECK(int8.report.quantized_ops == 3);       // conv2, conv3, FC 1
  CHECK(int8.report.calibration_images == 6);  // two of each class
  const Model& m = *int8.model;

  // The stem and the classifier stay float; the rest have INT8 weights, one scale per output
  // channel, zero points 0.
  const auto convs = Ops(m, schema::OpOptions::Conv2D);
  const auto fcs = Ops(m, schema::OpOptions::FullyConnected);
  REQUIRE(convs.size() == 3);
  REQUIRE(fcs.size() == 2);
  CHECK(WeightOf(m, *convs[0]).type() == schema::DataType::FLOAT32);
  CHECK(WeightOf(m, *fcs[1]).type() == schema::DataType::FLOAT32);
  for (const schema::Operator* op : {convs[1], convs[2], fcs[0]}) {
    const schema::Tensor& w = WeightOf(m, *op);
    CAPTURE(w.name()->str());
    REQUIRE(w.type() == schema::DataType::INT8);
    REQUIRE(w.quantization() != nullptr);
    CHECK(w.quantization()->axis() == 0);
    CHECK(int64_t(w.quantization()->scale()->size()) == w.shape()->Get(0));
    for (int64_t z : *w.quantization()->zero_point()) CHECK(z == 0);
    // Input and output carry per-tensor grids; the inputs come out of ReLUs, so their grids
    // start at 0: zero point -128.
    const schema::Tensor& x = *m.flatbuffer()->tensors()->Get(op->inputs()->Get(0));
    const schema::Tensor& y = *m.flatbuffer()->tensors()->Get(op->outputs()->Get(0));
    for (const schema::Tensor* t : {&x, &y}) {
      REQUIRE(t->quantization() != nullptr);
      CHECK(t->quantization()->axis() == -1);
      CHECK(t->quantization()->scale()->size() == 1);
      CHECK(t->quantization()->zero_point()->Get(0) == -128);
    }
  }
  // FC 1 is in no equalized pair: its scales are exactly those of the ONNX weight, and gptq
  // rounding moves each value at most one step from the nearest.
  const schema::Tensor& wf1 = WeightOf(m, *fcs[0]);
  const auto* bytes = m.data_segment() + m.flatbuffer()->buffers()->Get(wf1.buffer())->offset();
  for (int o = 0; o < 12; ++o) {
    float largest = 0;
    for (int k = 0; k < 16; ++k) largest = std::max(largest, std::fabs(net.wf1[o * 16 + k]));
    const float scale = wf1.quantization()->scale()->Get(o);
    CHECK(scale == largest / 127.0f);
    for (int k = 0; k < 16; ++k) {
      CHECK(std::abs(int(int8_t(bytes[o * 16 + k])) - int(std::nearbyint(net.wf1[o * 16 + k] / scale))) <= 1);
    }
  }
  // conv3 had no bias: bias correction gave it one.
  CHECK(convs[2]->inputs()->size() == 3);
  // The metadata survives; the graph input and output carry no grid.
  CHECK(m.feature_tensor() == fp32.model->feature_tensor());
  CHECK(!m.feature_tensor().empty());
  CHECK(m.preprocessing().mean == fp32.model->preprocessing().mean);
  CHECK(m.flatbuffer()->tensors()->Get(m.flatbuffer()->inputs()->Get(0))->quantization() == nullptr);

  // It runs, fast path and reference alike, close to the float model.
  const std::vector<float> x = Random(3 * 64, 12, -2.0f, 2.0f);
  const std::vector<float> expected = RunFloat(fp32.model, x, false);
  const std::vector<float> fast = RunFloat(int8.model, x, false);
  const std::vector<float> reference = RunFloat(int8.model, x, true);
  ExpectClose(fast, expected, 0.05f);
  ExpectClose(reference, expected, 0.05f);
  ExpectClose(fast, reference, 0.02f);
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(int8.model, {}, &session).ok());
  std::vector<float> y(4);
  REQUIRE(session->Run(x.data(), 1, y.data()).ok());
  const auto kernels = session->KernelNames();
  // Every int8 conv on a fast path: XNNPACK's, or frost's own where the CPU has VNNI.
  CHECK(std::count(kernels.begin(), kernels.end(), "Conv2D xnnpack") +
            std::count(kernels.begin(), kernels.end(), "Conv2D avx512vnni") ==
        3);
}

TEST_CASE("fine-tuning on an int8 backbone: INT8 weights and grids kept byte for byte") {
  TempDir dir;
  OnnxBuilder onnx = SmallNet().Build();
  ConvertOptions options;
  options.quantize = "int8";
  options.calibration = WriteCalibration(dir);
  Converted base = Convert(onnx, dir, options);
  REQUIRE_MESSAGE(base.status.ok(), base.status.message());
  FineTuneOptions tune;
  tune.config.epochs = 3;
  std::unique_ptr<FineTuner> tuner;
  REQUIRE(FineTuner::Create(base.model, tune, &tuner).ok());
  for (int i = 0; i < 10; ++i) {
    const std::vector<float> x = Random(3 * 64, 100 + i, -2.0f, 2.0f);
    REQUIRE(tuner->AddInput(x.data(), i % 2).ok());
  }
  REQUIRE(tuner->Fit().ok());
  const std::string path = dir.File("tuned.frost");
  Status s = tuner->Save(path);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::shared_ptr<const Model> tuned;
  REQUIRE(Model::Load(path, &tuned).ok());

  // Every INT8 weight of the backbone, with its quantization and bytes; the grids of the
  // backbone's activations; the new head float32 without grids.
  const Model& m = *base.model;
  std::map<std::string, const schema::Tensor*> before;
  for (const schema::Tensor* t : *m.flatbuffer()->tensors()) before[t->name()->str()] = t;
  size_t int8_weights = 0, grids = 0;
  for (const schema::Tensor* t : *tuned->flatbuffer()->tensors()) {
    const std::string name = t->name()->str();
    CAPTURE(name);
    if (name.rfind("head.", 0) == 0 || name == "y") {
      CHECK(t->type() == schema::DataType::FLOAT32);
      CHECK(t->quantization() == nullptr);
      continue;
    }
    REQUIRE(before.count(name));
    const schema::Tensor& old = *before[name];
    CHECK(t->type() == old.type());
    REQUIRE((t->quantization() == nullptr) == (old.quantization() == nullptr));
    if (t->quantization()) {
      ++grids;
      CHECK(Vec(t->quantization()->zero_point()) == Vec(old.quantization()->zero_point()));
      const auto* a = t->quantization()->scale();
      const auto* b = old.quantization()->scale();
      CHECK(std::vector<float>(a->begin(), a->end()) == std::vector<float>(b->begin(), b->end()));
    }
    if (t->buffer() < 0) continue;
    const auto* x = tuned->flatbuffer()->buffers()->Get(t->buffer());
    const auto* y = m.flatbuffer()->buffers()->Get(old.buffer());
    REQUIRE(x->size() == y->size());
    CHECK(std::memcmp(tuned->data_segment() + x->offset(), m.data_segment() + y->offset(),
                      x->size()) == 0);
    int8_weights += t->type() == schema::DataType::INT8;
  }
  CHECK(int8_weights == 3);  // conv2, conv3 and FC 1 (the features are the classifier's input)
  CHECK(grids >= 4);
  // The tuned model runs and its features are the base model's, exactly.
  const std::vector<float> x = Random(3 * 64, 99, -2.0f, 2.0f);
  std::unique_ptr<Session> a, b;
  REQUIRE(Session::Create(base.model, {}, &a).ok());
  REQUIRE(Session::Create(tuned, {}, &b).ok());
  const std::string feature = m.feature_tensor();
  std::vector<float> fa(a->TensorShape(feature, 1)[1]), fb(fa.size());
  REQUIRE(a->RunTo(x.data(), 1, feature, fa.data()).ok());
  REQUIRE(b->RunTo(x.data(), 1, feature, fb.data()).ok());
  CHECK(fa == fb);
}

TEST_CASE("quantize int8: calibration data errors name the problem, and nothing is written") {
  TempDir dir;
  OnnxBuilder onnx = SmallNet().Build();
  auto convert = [&](ConvertOptions options) {
    Converted c = Convert(onnx, dir, options);
    CHECK_FALSE(c.status.ok());
    CHECK(dir.EntryCount() == 1);  // model.onnx only
    return c.status.message();
  };
  ConvertOptions options;
  options.quantize = "int8";
  CHECK(convert(options).find("needs calibration data (--calibration DIR)") != std::string::npos);
  options.calibration = dir.File("no_such_folder");
  std::string message = convert(options);
  CHECK(message.find("--calibration: data set '") != std::string::npos);
  CHECK(message.find("does not exist") != std::string::npos);
  TempDir elsewhere;
  const std::string empty = elsewhere.File("empty");
  std::filesystem::create_directory(empty);
  options.calibration = empty;
  message = convert(options);
  CHECK(message.find("--calibration: data folder '" + empty + "'") != std::string::npos);
  options.quantize = "";
  CHECK(convert(options).find("--calibration is for --quantize int8") != std::string::npos);
  options.quantize = "int4";
  CHECK(convert(options).find("only int8") != std::string::npos);
}

TEST_CASE("quantize int8: activation grids and per-channel weights by hand") {
  // [0, 2.55]: 0.01 per step, 0 at q = -128.
  convert::Quantization q = convert::ActivationGrid(0.0f, 2.55f);
  CHECK(q.scales[0] == doctest::Approx(0.01));
  CHECK(q.zero_points[0] == -128);
  CHECK(q.axis == -1);
  // [-1, 1]: 2/255 per step; 0 sits 127.5 steps above -1: ties to even, q = 0.
  q = convert::ActivationGrid(-1.0f, 1.0f);
  CHECK(q.scales[0] == doctest::Approx(2.0 / 255));
  CHECK(q.zero_points[0] == 0);
  // A range that excludes 0 is stretched to include it; an all-zero tensor still gets a grid.
  q = convert::ActivationGrid(0.5f, 3.0f);
  CHECK(q.scales[0] == doctest::Approx(3.0 / 255));
  CHECK(q.zero_points[0] == -128);
  q = convert::ActivationGrid(0.0f, 0.0f);
  CHECK(q.scales[0] > 0);

  // Two output channels: max |w| 2.54 and 0 (all zero).
  convert::Tensor w;
  w.shape = {2, 3};
  w.floats = {1.27f, -2.54f, 0.5f, 0, 0, 0};
  std::vector<int8_t> values;
  convert::QuantizeWeight(w, &values, &q);
  CHECK(q.axis == 0);
  CHECK(q.scales == std::vector<float>{0.02f, 1.0f});
  CHECK(q.zero_points == std::vector<int64_t>{0, 0});
  CHECK(values == std::vector<int8_t>{64, -127, 25, 0, 0, 0});  // 63.5 -> 64 (ties to even)

  // Clipping: 100 000 values 0..1 and one outlier at 50; the 99.999th percentile ignores it.
  convert::Distribution d;
  std::vector<float> v(100000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = float(i) / float(v.size());
  v.push_back(50.0f);
  d.AddToRange(v.data(), v.size(), 1);
  d.AddToHistogram(v.data(), v.size());
  CHECK(convert::PercentileRange(d, 100).second == 50.0f);
  const auto [lo, hi] = convert::PercentileRange(d, 99.999);
  CHECK(lo == 0.0f);
  CHECK(hi < 1.05f);
  CHECK(hi > 0.95f);
}

}  // namespace
}  // namespace frost::testing
