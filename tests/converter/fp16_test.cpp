// `--fp16`: Conv, FullyConnected and MatMul weights are written as float16, the rest stays
// float32; the file is about half the size and the model computes what the float32 model
// computes with its weights rounded to half precision.
#include <cstring>
#include <set>

#include "convert_test_util.hpp"
#include "frost/half.hpp"

namespace frost::testing {
namespace {

// x [1, 8, 12, 12] -> Conv 3x3 to 32 (+ BatchNorm, folded) -> Relu -> Conv 3x3 to 32 -> Relu
// -> GlobalAveragePool -> Flatten -> Gemm to 10.
void SmallCnn(OnnxBuilder& b) {
  b.Input("x", {1, 8, 12, 12});
  b.Initializer("w1", {32, 8, 3, 3}, Random(32 * 72, 1, -0.2f, 0.2f));
  b.Initializer("b1", {32}, Random(32, 2));
  b.Initializer("bn.scale", {32}, Random(32, 3, 0.5f, 1.5f));
  b.Initializer("bn.bias", {32}, Random(32, 4));
  b.Initializer("bn.mean", {32}, Random(32, 5));
  b.Initializer("bn.var", {32}, Random(32, 6, 0.5f, 2.0f));
  b.Initializer("w2", {32, 32, 3, 3}, Random(32 * 288, 7, -0.1f, 0.1f));
  b.Initializer("b2", {32}, Random(32, 8));
  b.Initializer("fc.w", {10, 32}, Random(320, 9));
  b.Initializer("fc.b", {10}, Random(10, 10));
  b.Node("Conv", {"x", "w1", "b1"}, {"c1"}).Ints("pads", {1, 1, 1, 1});
  b.Node("BatchNormalization", {"c1", "bn.scale", "bn.bias", "bn.mean", "bn.var"}, {"bn"});
  b.Node("Relu", {"bn"}, {"r1"});
  b.Node("Conv", {"r1", "w2", "b2"}, {"c2"}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c2"}, {"r2"});
  b.Node("GlobalAveragePool", {"r2"}, {"g"});
  b.Node("Flatten", {"g"}, {"f"});
  b.Node("Gemm", {"f", "fc.w", "fc.b"}, {"y"}).Int("transB", 1);
  b.Output("y");
}

// The stored bytes of every constant, by tensor name, with its type.
struct Stored {
  schema::DataType type;
  std::vector<uint8_t> bytes;
};
std::map<std::string, Stored> Constants(const Model& model) {
  std::map<std::string, Stored> out;
  const schema::Model& m = *model.flatbuffer();
  for (const schema::Tensor* t : *m.tensors()) {
    if (t->buffer() < 0) continue;
    const schema::Buffer* b = m.buffers()->Get(t->buffer());
    const uint8_t* p = model.data_segment() + b->offset();
    out[t->name()->str()] = {t->type(), std::vector<uint8_t>(p, p + b->size())};
  }
  return out;
}

TEST_CASE("--fp16 stores conv and FC weights as float16, biases as float32, in half the file") {
  TempDir dir;
  OnnxBuilder b;
  SmallCnn(b);
  ConvertOptions options;
  options.output_path = dir.File("fp32.frost");
  Converted full = Convert(b, dir, options);
  REQUIRE_MESSAGE(full.status.ok(), full.status.message());
  options.output_path = dir.File("fp16.frost");
  options.fp16 = true;
  Converted half = Convert(b, dir, options);
  REQUIRE_MESSAGE(half.status.ok(), half.status.message());

  const size_t full_size = std::filesystem::file_size(full.path);
  const size_t half_size = std::filesystem::file_size(half.path);
  MESSAGE("file sizes: float32 " << full_size << " bytes, --fp16 " << half_size << " bytes");
  CHECK(half_size < full_size * 0.55);
  CHECK(half_size > full_size * 0.45);
  CHECK(half.report.num_params == full.report.num_params);
  CHECK(std::find(half.report.log.begin(), half.report.log.end(),
                  "store_fp16: 3 weight tensors (11840 values) stored as float16") !=
        half.report.log.end());

  // Each op's weight input is FLOAT16 holding the float32 file's values rounded; its bias and
  // every other tensor FLOAT32, byte for byte as in the float32 file.
  const auto full_constants = Constants(*full.model), half_constants = Constants(*half.model);
  REQUIRE(full_constants.size() == half_constants.size());
  std::set<std::string> weights;
  for (const schema::Operator* op : *half.model->flatbuffer()->operators()) {
    if (op->options_type() == schema::OpOptions::Conv2D ||
        op->options_type() == schema::OpOptions::FullyConnected) {
      weights.insert(half.model->flatbuffer()->tensors()->Get(op->inputs()->Get(1))->name()->str());
    }
  }
  CHECK(weights.size() == 3);
  for (const auto& [name, stored] : half_constants) {
    CAPTURE(name);
    const Stored& reference = full_constants.at(name);
    REQUIRE(reference.type == schema::DataType::FLOAT32);
    if (!weights.count(name)) {
      CHECK(stored.type == schema::DataType::FLOAT32);
      CHECK(stored.bytes == reference.bytes);
      continue;
    }
    REQUIRE(stored.type == schema::DataType::FLOAT16);
    const size_t n = reference.bytes.size() / 4;
    REQUIRE(stored.bytes.size() == n * 2);
    std::vector<float> values(n);
    std::memcpy(values.data(), reference.bytes.data(), n * 4);
    std::vector<uint16_t> expected(n);
    for (size_t i = 0; i < n; ++i) expected[i] = FloatToHalf(values[i]);
    CHECK(std::memcmp(stored.bytes.data(), expected.data(), n * 2) == 0);
  }

  // Same outputs within float16's rounding (fast path = reference inside Run).
  const std::vector<float> x = Random(8 * 144, 11);
  const std::vector<float> y_full = Run(full.model, x), y_half = Run(half.model, x);
  ExpectClose(y_half, y_full, 5e-3f);
  CHECK(y_half != y_full);
}

TEST_CASE("--fp16 stores a MatMul's constant operand as float16 too") {
  TempDir dir;
  OnnxBuilder b;
  b.Input("a", {2, 3, 4});
  const std::vector<float> w = Random(20, 12);
  b.Initializer("w", {4, 5}, w);
  b.Node("MatMul", {"a", "w"}, {"y"});
  b.Output("y");
  ConvertOptions options;
  options.fp16 = true;
  Converted c = Convert(b, dir, options);
  REQUIRE_MESSAGE(c.status.ok(), c.status.message());
  REQUIRE(OpCount(*c.model, "MatMul") == 1);
  const auto constants = Constants(*c.model);
  REQUIRE(constants.size() == 1);
  CHECK(constants.begin()->second.type == schema::DataType::FLOAT16);
  const std::vector<float> a = Random(24, 13);
  const std::vector<float> y = Run(c.model, a);
  for (int m = 0; m < 6; ++m) {
    for (int n = 0; n < 5; ++n) {
      double expected = 0;
      for (int k = 0; k < 4; ++k) expected += a[m * 4 + k] * HalfToFloat(FloatToHalf(w[k * 5 + n]));
      CHECK(y[m * 5 + n] == doctest::Approx(expected).epsilon(1e-5));
    }
  }
}

TEST_CASE("--fp16 refuses a weight beyond float16's range, naming it") {
  TempDir dir;
  OnnxBuilder b;
  b.Input("x", {1, 4});
  std::vector<float> w = Random(8, 14);
  w[5] = 70000.0f;
  b.Initializer("big", {2, 4}, w);
  b.Node("Gemm", {"x", "big"}, {"y"}, "the_gemm").Int("transB", 1);
  b.Output("y");
  ConvertOptions options;
  options.fp16 = true;
  Converted c = Convert(b, dir, options);
  REQUIRE_FALSE(c.status.ok());
  CHECK(c.status.message().find("'big") != std::string::npos);
  CHECK(c.status.message().find("the_gemm") != std::string::npos);
  CHECK(c.status.message().find("65504") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(c.path));
  // Without --fp16 the same model converts.
  Converted plain = Convert(b, dir);
  CHECK_MESSAGE(plain.status.ok(), plain.status.message());
}

}  // namespace
}  // namespace frost::testing
