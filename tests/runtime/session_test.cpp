#include <sys/mman.h>
#include <unistd.h>

#include <thread>

#include "test_models.hpp"

namespace frost::testing {
namespace {

TEST_CASE("Fast path and reference agree on a whole network") {
  auto model = Load(TinyCnn());
  auto fast = NewSession(model);
  auto ref = NewSession(model, {.reference = true});
  const std::vector<float> in = Random(4 * kTinyCnnInput, 1);
  ExpectClose(RunBatch(*fast, in, 4), RunBatch(*ref, in, 4), 1e-5f);
  const auto kernels = fast->KernelNames();
  REQUIRE(kernels.size() == 9);
  CHECK(kernels[1] != "Conv2D reference");  // frost's own (avx512, avx2) or XNNPACK's
  CHECK(kernels[0] == "Transpose reference");
  CHECK(kernels[6] == "Reshape in place");
}

TEST_CASE("A batch of N equals N single runs, and batch changes re-plan") {
  auto model = Load(TinyCnn());
  auto session = NewSession(model);
  const int64_t n = 5;
  const std::vector<float> in = Random(n * kTinyCnnInput, 2);
  const std::vector<float> batched = RunBatch(*session, in, n);
  CHECK(session->OutputShape(0, n) == std::vector<int64_t>{5, 5});
  const size_t arena_at_5 = session->ArenaBytes();
  for (int64_t i = 0; i < n; ++i) {
    std::vector<float> one(in.begin() + i * kTinyCnnInput, in.begin() + (i + 1) * kTinyCnnInput);
    std::vector<float> single = RunBatch(*session, one, 1);
    std::vector<float> expected(batched.begin() + i * 5, batched.begin() + (i + 1) * 5);
    ExpectClose(single, expected, 1e-6f);
  }
  CHECK(session->ArenaBytes() < arena_at_5);
  CHECK(RunBatch(*session, in, n) == batched);  // back to 5: same results
}

TEST_CASE("One thread and two threads give the same results") {
  auto model = Load(TinyCnn());
  const std::vector<float> in = Random(3 * kTinyCnnInput, 3);
  auto one = NewSession(model, {.threads = 1});
  auto two = NewSession(model, {.threads = 2});
  auto all = NewSession(model, {.threads = 0});
  const std::vector<float> expected = RunBatch(*one, in, 3);
  ExpectClose(RunBatch(*two, in, 3), expected, 1e-6f);
  ExpectClose(RunBatch(*all, in, 3), expected, 1e-6f);
  std::unique_ptr<Session> bad;
  CHECK_FALSE(Session::Create(model, {.threads = -1}, &bad).ok());
}

TEST_CASE("Several sessions on several threads share one Model") {
  auto model = Load(TinyCnn());
  const std::vector<float> in = Random(2 * kTinyCnnInput, 4);
  const std::vector<float> expected = RunBatch(*NewSession(model, {.reference = true}), in, 2);
  constexpr int kThreads = 4;
  std::vector<std::vector<float>> results(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Session> session;
      if (auto s = Session::Create(model, {.threads = 1 + t % 2}, &session); !s) {
        errors[t] = s.message();
        return;
      }
      for (int repeat = 0; repeat < 20 && errors[t].empty(); ++repeat) {
        const int64_t batch = 1 + repeat % 2;
        std::vector<float> out(session->OutputElements(0, batch));
        if (auto s = session->Run(in.data(), batch, out.data()); !s) errors[t] = s.message();
        if (batch == 2) results[t] = out;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    CHECK_MESSAGE(errors[t].empty(), errors[t]);
    ExpectClose(results[t], expected, 1e-5f);
  }
}

TEST_CASE("RunTo returns a tensor in its logical layout") {
  auto model = Load(TinyCnn());
  auto session = NewSession(model);
  const std::vector<float> in = Random(2 * kTinyCnnInput, 5);
  // The feature tensor, 2 x 8.
  CHECK(session->TensorShape("features", 2) == std::vector<int64_t>{2, 8});
  std::vector<float> features(16);
  REQUIRE(session->RunTo(in.data(), 2, "features", features.data()).ok());
  // conv1's output is stored NHWC [2, 8, 8, 8]; RunTo gives NCHW.
  CHECK(session->TensorShape("conv1", 2) == std::vector<int64_t>{2, 8, 8, 8});
  CHECK(session->TensorShape("pool1", 2) == std::vector<int64_t>{2, 8, 4, 4});
  std::vector<float> conv1(2 * 8 * 8 * 8), pool1(2 * 8 * 4 * 4);
  REQUIRE(session->RunTo(in.data(), 2, "conv1", conv1.data()).ok());
  REQUIRE(session->RunTo(in.data(), 2, "pool1", pool1.data()).ok());
  // pool1[n, c, y, x] is the max of conv1[n, c, 2y..2y+1, 2x..2x+1].
  for (int n = 0; n < 2; ++n) {
    for (int c = 0; c < 8; ++c) {
      for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 4; ++x) {
          float m = -INFINITY;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
              m = std::max(m, conv1[((n * 8 + c) * 8 + 2 * y + dy) * 8 + 2 * x + dx]);
          REQUIRE(pool1[((n * 8 + c) * 4 + y) * 4 + x] == m);
        }
      }
    }
  }
  // The input itself, and the features equal those computed by a full run's head: fc(features).
  std::vector<float> input_back(in.size());
  REQUIRE(session->RunTo(in.data(), 2, "input", input_back.data()).ok());
  CHECK(input_back == in);
  std::vector<float> again(16);
  RunBatch(*session, in, 2);
  REQUIRE(session->RunTo(in.data(), 2, "features", again.data()).ok());
  CHECK(again == features);
  // Errors.
  CHECK_FALSE(session->RunTo(in.data(), 2, "no_such_tensor", again.data()).ok());
  CHECK(session->TensorShape("no_such_tensor", 1).empty());
  CHECK(session->TensorShape("conv1", 0).empty());
}

TEST_CASE("Graph outputs that are graph inputs or constants") {
  ModelBuilder b;
  int x = b.Input("x", {1, 3});
  int c = b.Constant("c", {2}, {7, 8});
  int y = b.AddOp("neg", schema::CreateUnary(b.fbb(), schema::UnaryKind::NEG), {x}, {1, 3});
  b.Output(c);
  b.Output(x);
  b.Output(y);
  b.Output(x);
  auto model = Load(b.Finish());
  for (bool reference : {false, true}) {
    auto session = NewSession(model, {.reference = reference});
    const std::vector<float> in = {1, 2, 3, 4, 5, 6};
    std::vector<float> oc(2), ox(6), oy(6), ox2(6);
    REQUIRE(session->Run({in.data()}, 2, {oc.data(), ox.data(), oy.data(), ox2.data()}).ok());
    CHECK(oc == std::vector<float>{7, 8});
    CHECK(ox == in);
    CHECK(ox2 == in);
    CHECK(oy == std::vector<float>{-1, -2, -3, -4, -5, -6});
    CHECK(session->OutputElements(0, 2) == 2);
    CHECK(session->OutputElements(1, 2) == 6);
    CHECK(session->OutputElements(4, 2) == 0);
    // Wrong numbers of inputs/outputs, bad batches, null pointers.
    CHECK_FALSE(session->Run(in.data(), 2, oy.data()).ok());
    CHECK_FALSE(session->Run({in.data()}, 0, {oc.data(), ox.data(), oy.data(), ox2.data()}).ok());
    CHECK_FALSE(session->Run({nullptr}, 2, {oc.data(), ox.data(), oy.data(), ox2.data()}).ok());
  }
}

TEST_CASE("Session::SetObserver shows the input and every op output as written") {
  // x -> relu -> r -> (+ 1) -> y, and a branch x -> neg -> n that y does not need.
  ModelBuilder b;
  int x = b.Input("x", {2, 3});
  int r = b.AddOp("relu", schema::CreateUnary(b.fbb(), schema::UnaryKind::RELU), {x}, {2, 3});
  int one = b.Constant("one", {1}, {1.0f});
  int y = b.AddOp("add", schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD), {r, one}, {2, 3});
  int n = b.AddOp("neg", schema::CreateUnary(b.fbb(), schema::UnaryKind::NEG), {x}, {2, 3});
  b.SetTensorName(r, "r");
  b.SetTensorName(y, "y");
  b.SetTensorName(n, "n");
  b.Output(y);
  b.Output(n);
  auto session = NewSession(Load(b.Finish()));
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
  session->SetObserver([&](const std::string& name, const std::vector<int64_t>& shape,
                           const float* data) {
    CHECK(shape == std::vector<int64_t>{2, 3});
    names.push_back(name);
    values.emplace_back(data, data + 6);
  });
  const std::vector<float> in = {-1, 2, -3, 4, -5, 6};
  std::vector<float> oy(6), on(6);
  REQUIRE(session->Run({in.data()}, 2, {oy.data(), on.data()}).ok());
  CHECK(names == std::vector<std::string>{"x", "r", "y", "n"});
  CHECK(values[1] == std::vector<float>{0, 2, 0, 4, 0, 6});
  CHECK(values[2] == oy);
  // RunTo runs, and shows, only what its target needs.
  names.clear();
  REQUIRE(session->RunTo(in.data(), 2, "r", oy.data()).ok());
  CHECK(names == std::vector<std::string>{"x", "r"});
  session->SetObserver(nullptr);
  names.clear();
  REQUIRE(session->Run({in.data()}, 2, {oy.data(), on.data()}).ok());
  CHECK(names.empty());
}

TEST_CASE("Session::Create rejects data types it cannot run yet") {
  ModelBuilder b;
  int x = b.Input("x", {1, 4});
  const int32_t weights[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int w = b.ConstantBytes("w_int32", {2, 4}, schema::DataType::INT32, weights, sizeof(weights));
  b.Output(b.AddOp("fc", schema::CreateFullyConnected(b.fbb()), {x, w}, {1, 2}));
  auto model = Load(b.Finish());  // loading is fine: int32 weights are a valid file
  std::unique_ptr<Session> session;
  Status s = Session::Create(model, {}, &session);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("w_int32") != std::string::npos);
  CHECK(s.message().find("INT32") != std::string::npos);
  CHECK_FALSE(Session::Create(nullptr, {}, &session).ok());
}

}  // namespace
}  // namespace frost::testing

namespace frost::testing {
namespace {

// x [16, 2, 3] + c [16, 1, 3]: XNNPACK adds c's rows of 3 floats one at a time and may read a
// few bytes past each row (XNN_EXTRA_BYTES). c is the last thing in the model's bytes, and
// those bytes end right before an inaccessible page. (XNNPACK's AVX kernels use masked loads
// for tails and read nothing extra; its SSE and NEON kernels load whole vectors, and there
// this test catches a session that hands XNNPACK the constant in place.)
TEST_CASE("A constant operand at the very end of the model's bytes") {
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  auto build = [](size_t pad_floats) {
    ModelBuilder b;
    b.SetBatchPolymorphic(false);
    b.Constant("padding", {int64_t(pad_floats)}, std::vector<float>(pad_floats, 0.0f));
    int x = b.Input("x", {16, 2, 3});
    int c = b.Constant("c", {16, 1, 3}, Random(48, 2));
    auto add = schema::CreateBinary(b.fbb(), schema::BinaryKind::ADD);
    b.Output(b.AddOp("add", add, {x, c}, {16, 2, 3}));
    return b.Finish();
  };
  // Pad so that the whole file is a multiple of the page size.
  const size_t size0 = build(16).size();
  ModelBytes bytes = build(16 + (page - size0 % page) / 4);
  REQUIRE(bytes.size() % page == 0);
  const size_t pages = bytes.size() / page;
  void* region =
      mmap(nullptr, (pages + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(region != MAP_FAILED);
  uint8_t* start = static_cast<uint8_t*>(region);
  std::memcpy(start, bytes.data(), bytes.size());
  REQUIRE(mprotect(start + pages * page, page, PROT_NONE) == 0);
  {
    std::shared_ptr<const Model> model;
    REQUIRE(Model::FromBytes(start, bytes.size(), &model).ok());
    auto session = NewSession(model);
    CHECK(session->KernelNames()[0] == "Binary xnnpack");
    const std::vector<float> x = Random(96, 3);
    const std::vector<float> y = RunBatch(*session, x, 16);
    const float* c = reinterpret_cast<const float*>(start + bytes.size()) - 48;
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 2; ++j)
        for (int k = 0; k < 3; ++k)
          REQUIRE(y[(i * 2 + j) * 3 + k] == x[(i * 2 + j) * 3 + k] + c[i * 3 + k]);
  }
  munmap(region, (pages + 1) * page);
}

}  // namespace
}  // namespace frost::testing
