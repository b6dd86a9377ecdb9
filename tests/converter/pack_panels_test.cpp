// pack_panels: weights of one-group Convs and FullyConnecteds with >= 64 output channels are
// written in PANELS32 layout (what frost's x86 kernels read in place), the rest plain;
// --plain-weights writes all of them plain. Both files hold the same values and compute the
// same outputs.
#include <cstring>

#include "convert_test_util.hpp"
#include "frost/panels.hpp"

namespace frost::testing {
namespace {

// x [1, 8, 10, 10] -> Conv 3x3 to 64 -> Relu -> Conv 3x3 to 16 -> Relu -> Conv 1x1 to 70
// -> GlobalAveragePool -> Flatten -> Gemm to 100 -> Gemm to 10.
void Cnn(OnnxBuilder& b) {
  b.Input("x", {1, 8, 10, 10});
  b.Initializer("w1", {64, 8, 3, 3}, Random(64 * 72, 1, -0.2f, 0.2f));
  b.Initializer("b1", {64}, Random(64, 2));
  b.Initializer("w2", {16, 64, 3, 3}, Random(16 * 576, 3, -0.1f, 0.1f));
  b.Initializer("w3", {70, 16, 1, 1}, Random(70 * 16, 4, -0.3f, 0.3f));
  b.Initializer("fc1.w", {100, 70}, Random(7000, 5, -0.2f, 0.2f));
  b.Initializer("fc2.w", {10, 100}, Random(1000, 6, -0.2f, 0.2f));
  b.Node("Conv", {"x", "w1", "b1"}, {"c1"}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c1"}, {"r1"});
  b.Node("Conv", {"r1", "w2"}, {"c2"}).Ints("pads", {1, 1, 1, 1});
  b.Node("Relu", {"c2"}, {"r2"});
  b.Node("Conv", {"r2", "w3"}, {"c3"});
  b.Node("GlobalAveragePool", {"c3"}, {"g"});
  b.Node("Flatten", {"g"}, {"f"});
  b.Node("Gemm", {"f", "fc1.w"}, {"h"}).Int("transB", 1);
  b.Node("Gemm", {"h", "fc2.w"}, {"y"}).Int("transB", 1);
  b.Output("y");
}

// Each op's weight (input 1) as it is stored: its layout and its values in plain [n][k] order.
struct Weight {
  schema::Layout layout;
  schema::DataType type;
  std::vector<uint8_t> plain;
};
std::vector<Weight> Weights(const Model& model) {
  std::vector<Weight> out;
  const schema::Model& m = *model.flatbuffer();
  for (const schema::Operator* op : *m.operators()) {
    if (op->options_type() != schema::OpOptions::Conv2D &&
        op->options_type() != schema::OpOptions::FullyConnected) {
      continue;
    }
    const schema::Tensor* t = m.tensors()->Get(op->inputs()->Get(1));
    const schema::Buffer* b = m.buffers()->Get(t->buffer());
    const uint8_t* p = model.data_segment() + b->offset();
    const size_t element = t->type() == schema::DataType::FLOAT16 ? 2 : 4;
    int64_t n = t->shape()->Get(0), count = 1;
    for (int64_t d : *t->shape()) count *= d;
    Weight w{t->layout(), t->type(), std::vector<uint8_t>(size_t(count) * element)};
    if (t->layout() == schema::Layout::PANELS32) {
      REQUIRE(b->size() == PanelBytes(n, count / n, element));
      UnpackPanels(p, n, count / n, element, w.plain.data());
    } else {
      REQUIRE(b->size() == w.plain.size());
      std::memcpy(w.plain.data(), p, w.plain.size());
    }
    out.push_back(std::move(w));
  }
  return out;
}

TEST_CASE("weights of wide one-group Convs and FCs are stored in panels; --plain-weights: none") {
  for (bool fp16 : {false, true}) {
    CAPTURE(fp16);
    TempDir dir;
    OnnxBuilder b;
    Cnn(b);
    ConvertOptions options;
    options.fp16 = fp16;
    options.output_path = dir.File("panels.frost");
    Converted panels = Convert(b, dir, options);
    REQUIRE_MESSAGE(panels.status.ok(), panels.status.message());
    options.output_path = dir.File("plain.frost");
    options.plain_weights = true;
    Converted plain = Convert(b, dir, options);
    REQUIRE_MESSAGE(plain.status.ok(), plain.status.message());

    const std::vector<Weight> packed = Weights(*panels.model), flat = Weights(*plain.model);
    REQUIRE(packed.size() == 5);
    REQUIRE(flat.size() == 5);
    using L = schema::Layout;
    // Conv to 64, Conv to 16, Conv 1x1 to 70, FC to 100, FC to 10.
    const L expected[] = {L::PANELS32, L::PLAIN, L::PANELS32, L::PANELS32, L::PLAIN};
    for (size_t i = 0; i < 5; ++i) {
      CAPTURE(i);
      CHECK(packed[i].layout == expected[i]);
      CHECK(flat[i].layout == L::PLAIN);
      CHECK(packed[i].type == (fp16 ? schema::DataType::FLOAT16 : schema::DataType::FLOAT32));
      CHECK(packed[i].plain == flat[i].plain);
    }
    CHECK(std::find(panels.report.log.begin(), panels.report.log.end(),
                    "pack_panels: 3 weights in panels of 32 channels") != panels.report.log.end());
    const std::vector<float> x = Random(800, 9);
    CHECK(Run(panels.model, x) == Run(plain.model, x));
  }
}

}  // namespace
}  // namespace frost::testing
