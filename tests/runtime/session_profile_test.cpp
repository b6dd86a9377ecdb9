// Session::Profile: one entry per op, in execution order, with the model's FLOPs at the batch
// run and, with SessionOptions::profile, the time of each op (never checked beyond >= 0).
#include "test_models.hpp"

namespace frost::testing {
namespace {

std::unique_ptr<Session> NewSession(const ModelBytes& bytes, SessionOptions options) {
  std::shared_ptr<const Model> model;
  Status s = LoadModel(bytes, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::unique_ptr<Session> session;
  s = Session::Create(model, options, &session);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return session;
}

double TotalFlops(const std::vector<OpTiming>& ops) {
  double flops = 0;
  for (const OpTiming& op : ops) flops += op.flops;
  return flops;
}

TEST_CASE("Profile has one entry per op with non-negative times and the model's FLOPs") {
  const ModelBytes bytes = TinyCnn();
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(bytes, &model).ok());
  auto session = NewSession(bytes, {.profile = true});
  const std::vector<float> in = Random(2 * kTinyCnnInput, 3);
  std::vector<float> out(session->OutputElements(0, 2));
  REQUIRE(session->Run(in.data(), 2, out.data()).ok());

  const std::vector<OpTiming> ops = session->Profile();
  const std::vector<std::string> kernels = session->KernelNames();
  REQUIRE(ops.size() == 9);
  REQUIRE(kernels.size() == ops.size());
  const char* names[] = {"to_nhwc", "conv1",    "pool1", "conv2", "add",
                         "gap",     "features", "fc",    "probs"};
  for (size_t i = 0; i < ops.size(); ++i) {
    CHECK(ops[i].name == names[i]);
    CHECK(ops[i].type + " " + ops[i].backend == kernels[i]);
    CHECK(ops[i].seconds >= 0);
    CHECK(ops[i].flops >= 0);
  }
  CHECK(ops[1].type == "Conv2D");
  CHECK(ops[1].flops > 0);
  // Model::Stats counts batch 1; the profile counts the batch run.
  CHECK(TotalFlops(ops) == doctest::Approx(2 * model->Stats().flops));
}

TEST_CASE("Profile without profiling has no times; RunTo times only the ops it runs") {
  auto plain = NewSession(TinyCnn(), {});
  const std::vector<float> in = Random(kTinyCnnInput, 4);
  std::vector<float> out(plain->OutputElements(0, 1));
  REQUIRE(plain->Run(in.data(), 1, out.data()).ok());
  for (const OpTiming& op : plain->Profile()) CHECK(op.seconds == 0);

  auto timed = NewSession(TinyCnn(), {.profile = true});
  REQUIRE(timed->Run(in.data(), 1, out.data()).ok());
  std::vector<float> features(8);
  REQUIRE(timed->RunTo(in.data(), 1, "features", features.data()).ok());
  const std::vector<OpTiming> ops = timed->Profile();
  REQUIRE(ops.size() == 9);
  CHECK(ops[7].name == "fc");
  CHECK(ops[7].seconds == 0);  // after the feature tensor: not run by RunTo
  CHECK(ops[8].seconds == 0);
  for (const OpTiming& op : ops) CHECK(op.seconds >= 0);
}

}  // namespace
}  // namespace frost::testing
