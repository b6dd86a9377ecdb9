// Importers of the data-movement ops, in their old (attribute) and new (input) opset forms:
// Concat, Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Slice, Pad, Softmax,
// LogSoftmax, Dropout, Identity.
#include "convert_test_util.hpp"
#include "reference_ops.hpp"

namespace frost::testing {
namespace {

TEST_CASE("Flatten, Reshape (0 and -1), Squeeze and Unsqueeze keep the data in order") {
  for (int opset : {11, 13}) {
    CAPTURE(opset);
    TempDir dir;
    OnnxBuilder b(opset);
    b.Input("x", {2, 3, 4});
    b.Node("Flatten", {"x"}, {"f"}).Int("axis", 2);  // [6, 4]
    b.IntInitializer("shape", {4}, {0, 1, -1, 1});
    b.Node("Reshape", {"f", "shape"}, {"r"});  // [6, 1, 4, 1]
    if (opset < 13) {
      b.Node("Squeeze", {"r"}, {"s"}).Ints("axes", {1, -1});   // [6, 4]
      b.Node("Unsqueeze", {"s"}, {"y"}).Ints("axes", {0, 3});  // [1, 6, 4, 1]
    } else {
      b.IntInitializer("sq", {2}, {1, -1}).IntInitializer("us", {2}, {0, 3});
      b.Node("Squeeze", {"r", "sq"}, {"s"});
      b.Node("Unsqueeze", {"s", "us"}, {"y"});
    }
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(m.model->outputs()[0].shape == std::vector<int64_t>{1, 6, 4, 1});
    const std::vector<float> x = Random(24, 1);
    ExpectClose(Run(m.model, x, 2), x);
  }
}

TEST_CASE("opset 1 forms: Concat's default axis, Reshape's shape attribute, Cast's type name") {
  TempDir dir;
  OnnxBuilder b(1);
  b.Input("x", {2, 3});
  b.Node("Concat", {"x", "x"}, {"c"});  // axis 1 by default: [2, 6]
  b.Node("Reshape", {"c"}, {"r"}).Ints("shape", {3, 4});
  b.Node("Cast", {"r"}, {"y"}).String("to", "FLOAT");
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  CHECK(m.model->outputs()[0].shape == std::vector<int64_t>{3, 4});
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  ExpectClose(Run(m.model, x), {1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
}

TEST_CASE("Transpose and Concat") {
  TempDir dir;
  OnnxBuilder b(13);
  b.Input("x", {2, 3, 4});
  b.Node("Transpose", {"x"}, {"t"}).Ints("perm", {0, 2, 1});   // [2, 4, 3]
  b.Node("Transpose", {"x"}, {"u"});                           // default: reversed [4, 3, 2]
  b.Node("Transpose", {"u"}, {"ut"}).Ints("perm", {2, 0, 1});  // [2, 4, 3]
  b.Node("Concat", {"t", "ut", "t"}, {"y"}).Int("axis", -1);   // [2, 4, 9]
  b.Output("y");
  Converted m = Convert(b, dir);
  REQUIRE_MESSAGE(m.status.ok(), m.status.message());
  const std::vector<float> x = Random(24, 2);
  const std::vector<float> t = RefTranspose(x, {2, 3, 4}, {0, 2, 1});
  std::vector<float> expected;
  for (int64_t r = 0; r < 8; ++r) {
    for (int k = 0; k < 3; ++k)
      expected.insert(expected.end(), t.begin() + r * 3, t.begin() + r * 3 + 3);
  }
  ExpectClose(Run(m.model, x), expected);
}

TEST_CASE("Softmax and LogSoftmax: opset < 13 coerces to 2-D, opset 13 runs along one axis") {
  const std::vector<float> x = Random(24, 3, -3, 3);
  for (const std::string op : {"Softmax", "LogSoftmax"}) {
    const bool log = op == "LogSoftmax";
    SUBCASE("opset 11, axis 1 of [2, 3, 4]: rows of 12") {
      TempDir dir;
      OnnxBuilder b(11);
      b.Input("x", {2, 3, 4});
      b.Node(op, {"x"}, {"y"});  // default axis 1
      b.Output("y");
      Converted m = Convert(b, dir);
      REQUIRE_MESSAGE(m.status.ok(), m.status.message());
      ExpectClose(Run(m.model, x), RefSoftmax(x, 2, 12, log), 1e-5f);
    }
    SUBCASE("opset 13, axis 1 of [2, 3, 4]: along the 3") {
      TempDir dir;
      OnnxBuilder b(13);
      b.Input("x", {2, 3, 4});
      b.Node(op, {"x"}, {"y"}).Int("axis", 1);
      b.Output("y");
      Converted m = Convert(b, dir);
      REQUIRE_MESSAGE(m.status.ok(), m.status.message());
      const std::vector<float> xt = RefTranspose(x, {2, 3, 4}, {0, 2, 1});
      const std::vector<float> expected =
          RefTranspose(RefSoftmax(xt, 8, 3, log), {2, 4, 3}, {0, 2, 1});
      ExpectClose(Run(m.model, x), expected, 1e-5f);
    }
  }
}

TEST_CASE(
    "Dropout (opset 10 ratio attribute, opset 13 ratio and training_mode inputs) and "
    "Identity are removed") {
  for (int opset : {10, 13}) {
    CAPTURE(opset);
    TempDir dir;
    OnnxBuilder b(opset);
    b.Input("x", {2, 5});
    b.Node("Relu", {"x"}, {"r"});
    if (opset < 12) {
      b.Node("Dropout", {"r"}, {"d"}).Float("ratio", 0.3f);
    } else {
      b.Initializer("ratio", {}, {0.3f});
      b.BoolInitializer("train", {}, {false});
      b.Node("Dropout", {"r", "ratio", "train"}, {"d"}).Int("seed", 3);
    }
    b.Node("Identity", {"d"}, {"i"});
    b.Node("Neg", {"i"}, {"y"});
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    CHECK(NumOps(*m.model) == 2);  // Relu, Neg
    const std::vector<float> x = Random(10, 4);
    std::vector<float> expected = Relu(x);
    for (float& v : expected) v = -v;
    ExpectClose(Run(m.model, x), expected);
  }
}

// numpy.pad of [R, C] data in the three modes.
std::vector<float> RefPad2D(const std::vector<float>& x, int64_t R, int64_t C, int64_t t, int64_t l,
                            int64_t b, int64_t r, const std::string& mode, float value) {
  std::vector<float> y;
  auto source = [&](int64_t i, int64_t n) -> int64_t {
    if (i >= 0 && i < n) return i;
    if (mode == "constant") return -1;
    if (mode == "edge") return i < 0 ? 0 : n - 1;
    return i < 0 ? -i : 2 * (n - 1) - i;
  };
  for (int64_t i = -t; i < R + b; ++i)
    for (int64_t j = -l; j < C + r; ++j) {
      const int64_t si = source(i, R), sj = source(j, C);
      y.push_back(si < 0 || sj < 0 ? value : x[si * C + sj]);
    }
  return y;
}

TEST_CASE("Pad: constant, reflect and edge; attributes before opset 11, inputs after") {
  const std::vector<float> x = Random(12, 5);
  for (const std::string mode : {"constant", "reflect", "edge"}) {
    for (int opset : {10, 13, 18}) {
      CAPTURE(mode);
      CAPTURE(opset);
      TempDir dir;
      OnnxBuilder b(opset);
      b.Input("x", {3, 4});
      if (opset < 11) {
        b.Node("Pad", {"x"}, {"y"})
            .String("mode", mode)
            .Ints("pads", {0, 2, 0, 1})
            .Float("value", 1.5f);
      } else if (opset < 18) {
        b.IntInitializer("pads", {4}, {0, 2, 0, 1});
        b.Initializer("value", {}, {1.5f});
        b.Node("Pad", {"x", "pads", "value"}, {"y"}).String("mode", mode);
      } else {
        b.IntInitializer("pads", {2}, {2, 1}).IntInitializer("axes", {1}, {-1});
        b.Initializer("value", {}, {1.5f});
        b.Node("Pad", {"x", "pads", "value", "axes"}, {"y"}).String("mode", mode);
      }
      b.Output("y");
      Converted m = Convert(b, dir);
      REQUIRE_MESSAGE(m.status.ok(), m.status.message());
      ExpectClose(Run(m.model, x), RefPad2D(x, 3, 4, 0, 2, 0, 1, mode, 1.5f));
    }
  }
}

TEST_CASE("Slice: attributes before opset 10; inputs with axes, negative indices and steps") {
  const std::vector<float> x = Random(4 * 6, 6);  // [4, 6]
  SUBCASE("opset 9 attributes") {
    TempDir dir;
    OnnxBuilder b(9);
    b.Input("x", {4, 6});
    b.Node("Slice", {"x"}, {"y"})
        .Ints("starts", {1, -4})
        .Ints("ends", {1000, -1})
        .Ints("axes", {0, 1});
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    std::vector<float> expected;
    for (int i = 1; i < 4; ++i)
      for (int j = 2; j < 5; ++j) expected.push_back(x[i * 6 + j]);
    ExpectClose(Run(m.model, x), expected);
  }
  SUBCASE("opset 13 inputs with a negative step") {
    TempDir dir;
    OnnxBuilder b(13);
    b.Input("x", {4, 6});
    b.IntInitializer("starts", {1}, {-1}).IntInitializer("ends", {1}, {INT64_MIN});
    b.IntInitializer("axes", {1}, {1}).IntInitializer("steps", {1}, {-2});
    b.Node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"y"});
    b.Output("y");
    Converted m = Convert(b, dir);
    REQUIRE_MESSAGE(m.status.ok(), m.status.message());
    std::vector<float> expected;
    for (int i = 0; i < 4; ++i)
      for (int j = 5; j >= 0; j -= 2) expected.push_back(x[i * 6 + j]);
    ExpectClose(Run(m.model, x), expected);
  }
}

}  // namespace
}  // namespace frost::testing
