// Corrupt, truncated and malformed files: always a Status error naming the problem, never a
// crash (run this under -DFROST_SANITIZE=ON too).
#include <random>

#include "test_models.hpp"

namespace frost::testing {
namespace {

// Loads; if that succeeds, also creates sessions and runs them, which must then work.
Status LoadAndRun(const ModelBytes& bytes) {
  std::shared_ptr<const Model> model;
  if (auto s = LoadModel(bytes, &model); !s) return s;
  model->Stats();
  for (bool reference : {false, true}) {
    std::unique_ptr<Session> session;
    if (auto s = Session::Create(model, {.reference = reference}, &session); !s) return s;
    std::vector<float> in(model->inputs()[0].shape.empty() ? 1 : Count(model->inputs()[0].shape),
                          0.5f);
    std::vector<std::vector<float>> outs;
    std::vector<float*> out_ptrs;
    for (size_t i = 0; i < model->outputs().size(); ++i) {
      outs.emplace_back(session->OutputElements(i, 1) + 1);
    }
    for (auto& o : outs) out_ptrs.push_back(o.data());
    std::vector<const float*> in_ptrs(model->inputs().size(), in.data());
    if (model->inputs().size() == 1 && !model->inputs()[0].shape.empty() &&
        model->inputs()[0].shape[0] == 1) {
      if (auto s = session->Run(in_ptrs, 1, out_ptrs); !s) return s;
    }
  }
  return Status::Ok();
}

Status LoadOnly(const ModelBytes& bytes) {
  std::shared_ptr<const Model> model;
  return LoadModel(bytes, &model);
}

void ExpectError(const Status& s, const std::string& needle) {
  CHECK_FALSE(s.ok());
  CHECK_MESSAGE(s.message().find(needle) != std::string::npos,
                "message '" << s.message() << "' lacks '" << needle << "'");
}

TEST_CASE("Every truncation of a file is an error") {
  const ModelBytes bytes = TinyCnn();
  REQUIRE(LoadOnly(bytes).ok());
  for (size_t size = 0; size < bytes.size(); ++size) {
    CAPTURE(size);
    Status s = LoadOnly(bytes.Copy(size));
    REQUIRE_FALSE(s.ok());
    REQUIRE_FALSE(s.message().empty());
  }
}

TEST_CASE("Flipped bytes never crash") {
  for (const ModelBytes& bytes : {TinyCnn(), AllOps()}) {
    REQUIRE(LoadAndRun(bytes).ok());
    const size_t data_start = bytes.data_segment_offset();
    size_t errors = 0, loaded = 0;
    for (size_t i = 0; i < bytes.size(); i += i < data_start ? 1 : 61) {
      for (uint8_t mask : {0x01, 0x10, 0x80, 0xFF}) {
        ModelBytes copy = bytes.Copy();
        copy.data()[i] ^= mask;
        Status s = LoadAndRun(copy);
        if (s.ok()) {
          ++loaded;
        } else {
          ++errors;
          REQUIRE_FALSE(s.message().empty());
        }
      }
    }
    MESSAGE(errors << " corruptions rejected, " << loaded << " still valid (weights, names...)");
    CHECK(errors > 0);
  }
}

TEST_CASE("Random multi-byte corruption never crashes") {
  std::mt19937 rng(123);
  for (const ModelBytes& bytes : {TinyCnn(), AllOps()}) {
    const size_t fb_end = bytes.data_segment_offset();
    for (int trial = 0; trial < 3000; ++trial) {
      ModelBytes copy = bytes.Copy();
      const int flips = 1 + int(rng() % 4);
      for (int f = 0; f < flips; ++f) copy.data()[rng() % fb_end] = uint8_t(rng());
      Status s = LoadAndRun(copy);
      if (!s.ok()) REQUIRE_FALSE(s.message().empty());
    }
  }
}

TEST_CASE("Garbage is rejected") {
  std::mt19937 rng(7);
  for (size_t size : {0, 1, 7, 8, 16, 100, 4096}) {
    ModelBytes garbage(size);
    for (size_t i = 0; i < size; ++i) garbage.data()[i] = uint8_t(rng());
    CHECK_FALSE(LoadOnly(garbage).ok());
  }
  // A plausible header followed by garbage.
  for (int trial = 0; trial < 200; ++trial) {
    ModelBytes garbage(512);
    for (size_t i = 0; i < 512; ++i) garbage.data()[i] = uint8_t(rng());
    const uint32_t prefix = 200 + rng() % 300;
    std::memcpy(garbage.data(), &prefix, 4);
    std::memcpy(garbage.data() + 8, "FRST", 4);
    CHECK_FALSE(LoadAndRun(garbage).ok());
  }
  ModelBytes good = TinyCnn();
  ModelBytes wrong_id = good.Copy();
  std::memcpy(wrong_id.data() + 8, "ABCD", 4);
  ExpectError(LoadOnly(wrong_id), "FRST");
  ModelBytes big_prefix = good.Copy();
  const uint32_t huge = 0xFFFFFFF0u;
  std::memcpy(big_prefix.data(), &huge, 4);
  ExpectError(LoadOnly(big_prefix), "size prefix");
}

// A minimal valid graph: x [1, 4] -> FullyConnected(w [2, 4], b [2]) -> y [1, 2].
struct Small {
  ModelBuilder b;
  int x, w, bias, y;
  Small() {
    x = b.Input("x", {1, 4});
    w = b.Constant("w", {2, 4}, Random(8, 1));
    bias = b.Constant("bias", {2}, {1, 2});
    y = b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w, bias}, {1, 2});
    b.Output(y);
  }
};

TEST_CASE("Malformed graphs are errors that name the culprit") {
  CHECK(LoadAndRun(Small().b.Finish()).ok());
  {
    Small s;
    s.b.SetBuffer(0, 4, 32);
    ExpectError(LoadOnly(s.b.Finish()), "tensor 1 'w': buffer 0 (offset 4, size 32, file offset");
  }
  {
    Small s;
    s.b.SetBuffer(1, 1 << 20, 8);
    ExpectError(LoadOnly(s.b.Finish()), "ends past the data segment");
  }
  {
    Small s;
    s.b.SetBuffer(1, 64, ~uint64_t(0) - 8);  // offset + size overflows
    ExpectError(LoadOnly(s.b.Finish()), "ends past the data segment");
  }
  {
    Small s;
    s.b.SetBuffer(0, 0, 28);
    ExpectError(LoadOnly(s.b.Finish()), "holds 28 bytes but shape [2, 4] of FLOAT32 needs 32");
  }
  {
    Small s;
    s.b.SetTensorBuffer(s.w, 7);
    ExpectError(LoadOnly(s.b.Finish()), "buffer index 7 out of range");
  }
  {
    Small s;
    s.b.SetTensorShape(s.w, {2, -4});
    ExpectError(LoadOnly(s.b.Finish()), "negative dim");
  }
  {
    Small s;
    s.b.SetTensorShape(s.y, {int64_t(1) << 40, int64_t(1) << 40});
    ExpectError(LoadOnly(s.b.Finish()), "too large");
  }
  {
    Small s;
    s.b.SetTensorShape(s.w, {2, 2, 2});
    ExpectError(LoadOnly(s.b.Finish()), "op 0 'fc' (FullyConnected)");
  }
  {
    Small s;
    s.b.SetTensorType(s.w, schema::DataType(42));
    ExpectError(LoadOnly(s.b.Finish()), "unknown data type");
  }
  {
    Small s;
    s.b.SetTensorLayout(s.w, schema::Layout::NHWC);
    ExpectError(LoadOnly(s.b.Finish()), "NHWC layout needs a 4-D shape");
  }
  {
    Small s;
    s.b.SetTensorName(s.bias, "w");
    ExpectError(LoadOnly(s.b.Finish()), "name also used by tensor 1");
  }
  {
    Small s;
    s.b.SetVersion(0);
    ExpectError(LoadOnly(s.b.Finish()), "schema version 0");
  }
  {
    Small s;
    s.b.SetVersion(kSchemaVersion + 1);
    ExpectError(LoadOnly(s.b.Finish()), "is not supported");
  }
  {
    Small s;
    s.b.SetFeatureTensor(99);
    ExpectError(LoadOnly(s.b.Finish()), "feature_tensor");
  }
  {
    Small s;
    s.b.ClearInputs();
    ExpectError(LoadOnly(s.b.Finish()), "no inputs");
  }
  {
    Small s;
    s.b.ClearOutputs();
    ExpectError(LoadOnly(s.b.Finish()), "no outputs");
  }
  {
    Small s;
    s.b.AddInputIndex(s.w);
    ExpectError(LoadOnly(s.b.Finish()), "graph input tensor 1 'w' is a constant");
  }
  {
    Small s;
    s.b.AddInputIndex(12);
    ExpectError(LoadOnly(s.b.Finish()), "graph input index 12 out of range");
  }
  {
    Small s;
    s.b.Output(-3);
    ExpectError(LoadOnly(s.b.Finish()), "graph output index -3 out of range");
  }
  {
    Small s;
    int orphan = s.b.Activation("orphan", {1, 2});
    s.b.Output(orphan);
    ExpectError(LoadOnly(s.b.Finish()), "'orphan' is never computed");
  }
}

TEST_CASE("Malformed operators are errors that name the op") {
  {
    Small s;  // input index out of range
    s.b.AddOpTo("bad", schema::CreateUnary(s.b.fbb()), {57}, s.b.Activation("z", {1, 2}));
    ExpectError(LoadOnly(s.b.Finish()), "op 1 'bad' (Unary): input 0 has tensor index 57");
  }
  {
    Small s;  // output index out of range
    s.b.AddOpRaw("bad", schema::OpOptions::Unary, schema::CreateUnary(s.b.fbb()).Union(), {s.y},
                 {99});
    ExpectError(LoadOnly(s.b.Finish()), "output tensor index 99 out of range");
  }
  {
    Small s;  // a second writer of y
    s.b.AddOpTo("again", schema::CreateUnary(s.b.fbb()), {s.x}, s.y);
    ExpectError(LoadOnly(s.b.Finish()), "already a graph input or written by op 0");
  }
  {
    Small s;  // writing a constant
    s.b.AddOpTo("onto_const", schema::CreateUnary(s.b.fbb()), {s.x}, s.w);
    ExpectError(LoadOnly(s.b.Finish()), "is a constant");
  }
  {
    Small s;  // an op reading a tensor produced later
    int later = s.b.Activation("later", {1, 2});
    s.b.AddOpTo("early", schema::CreateUnary(s.b.fbb()), {later}, s.b.Activation("z", {1, 2}));
    s.b.AddOpTo("late", schema::CreateUnary(s.b.fbb()), {s.y}, later);
    ExpectError(LoadOnly(s.b.Finish()), "is used before any op produces it");
  }
  {
    Small s;  // an op type from the future
    s.b.AddOpRaw("future", schema::OpOptions(99), schema::CreateMatMul(s.b.fbb()).Union(), {s.y},
                 {s.b.Activation("z", {1, 2})});
    ExpectError(LoadOnly(s.b.Finish()), "unsupported op type 99");
  }
  {
    Small s;  // a type without its options table
    s.b.AddOpRaw("naked", schema::OpOptions::Conv2D, 0, {s.y}, {s.b.Activation("z", {1, 2})});
    ExpectError(LoadOnly(s.b.Finish()), "missing options");
  }
  {
    Small s;  // too many inputs
    s.b.AddOpTo("unary3", schema::CreateUnary(s.b.fbb()), {s.y, s.y, s.y},
                s.b.Activation("z", {1, 2}));
    ExpectError(LoadOnly(s.b.Finish()), "3 inputs, expected 1");
  }
  {
    Small s;  // two outputs
    s.b.AddOpRaw("two", schema::OpOptions::Unary, schema::CreateUnary(s.b.fbb()).Union(), {s.y},
                 {s.b.Activation("z1", {1, 2}), s.b.Activation("z2", {1, 2})});
    ExpectError(LoadOnly(s.b.Finish()), "exactly 1 output");
  }
  {
    Small s;  // an unknown enum value inside the options
    s.b.AddOp("weird", schema::CreateUnary(s.b.fbb(), schema::UnaryKind(77)), {s.y}, {1, 2});
    ExpectError(LoadOnly(s.b.Finish()), "unknown unary kind 77");
  }
  {
    Small s;  // absent required input
    s.b.AddOp("absent", schema::CreateUnary(s.b.fbb()), {-1}, {1, 2});
    ExpectError(LoadOnly(s.b.Finish()), "input 0 has tensor index -1");
  }
}

TEST_CASE("Bad Conv2D attributes and weights") {
  auto conv = [](int kernel, int stride, int groups, std::vector<int64_t> w_shape,
                 std::vector<int64_t> out_shape) {
    ModelBuilder b;
    int x = b.Input("x", {1, 6, 6, 4});
    int w = b.Constant("w", w_shape, std::vector<float>(Count(w_shape), 0.1f));
    b.AddOp("conv",
            schema::CreateConv2D(b.fbb(), kernel, kernel, stride, stride, 1, 1, 0, 0, 0, 0, groups),
            {x, w}, out_shape);
    b.Output(3 - 1);
    return LoadOnly(b.Finish());
  };
  CHECK(conv(3, 1, 1, {8, 3, 3, 4}, {1, 4, 4, 8}).ok());
  CHECK(conv(3, 1, 2, {8, 3, 3, 2}, {1, 4, 4, 8}).ok());
  ExpectError(conv(0, 1, 1, {8, 3, 3, 4}, {1, 4, 4, 8}), "must be positive");
  ExpectError(conv(3, 0, 1, {8, 3, 3, 4}, {1, 4, 4, 8}), "stride must be positive");
  ExpectError(conv(3, 1, 3, {9, 3, 3, 1}, {1, 4, 4, 9}), "3 groups do not divide");
  ExpectError(conv(3, 1, 1, {8, 3, 3, 3}, {1, 4, 4, 8}), "expects 3 input channels, input has 4");
  ExpectError(conv(3, 1, 1, {8, 2, 2, 4}, {1, 4, 4, 8}), "does not match kernel 3x3");
  ExpectError(conv(7, 1, 1, {8, 7, 7, 4}, {1, 0, 0, 8}), "does not fit");
}

TEST_CASE("A model marked batch polymorphic that is not") {
  ModelBuilder b;
  int x = b.Input("x", {1, 6});
  const std::vector<int64_t> fixed = {2, 3};  // batch hard-coded as 1 * 6 = 2 * 3
  b.Output(b.AddOp("r", schema::CreateReshapeDirect(b.fbb(), &fixed), {x}, {2, 3}));
  ExpectError(LoadOnly(b.Finish()), "marked batch polymorphic but");
  b.SetBatchPolymorphic(false);
}

}  // namespace
}  // namespace frost::testing
