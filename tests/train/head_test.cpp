// The head: seeded init, export/import, inference, and the whole head's gradient (every
// layer, dropout and loss chained in float) against finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "finite_difference.hpp"
#include "frost/train.hpp"
#include "train/head_pass.hpp"

namespace frost::train {
namespace {

TEST_CASE("init: nn.Linear bounds 1/sqrt(fan_in), deterministic per seed, pinned values") {
  Head a, b, c;
  REQUIRE(Head::Create({16, 8, 3}, 5, &a));
  REQUIRE(Head::Create({16, 8, 3}, 5, &b));
  REQUIRE(Head::Create({16, 8, 3}, 6, &c));
  CHECK(a.num_params() == 16 * 8 + 8 + 8 * 3 + 3);
  CHECK(std::vector<float>(a.params(), a.params() + a.num_params()) ==
        std::vector<float>(b.params(), b.params() + b.num_params()));
  CHECK(a.params()[0] != c.params()[0]);
  for (int layer = 0; layer < 2; ++layer) {
    float bound = 1.0f / std::sqrt(float(a.layer_inputs(layer)));
    size_t n = size_t(a.layer_outputs(layer)) * size_t(a.layer_inputs(layer) + 1);
    float max_abs = 0;
    for (size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::abs(a.weight(layer)[i]));
    CHECK(max_abs <= bound);
    CHECK(max_abs > 0.8f * bound);
  }
  // The first value of seed 0: (2 u - 1) / sqrt(4) with u from Rng(0, kInit) (frost_rng.py).
  Head pinned;
  REQUIRE(Head::Create({4, 0, 2}, 0, &pinned));
  CHECK(pinned.params()[0] == -0.11100644f);
}

TEST_CASE("export and import round-trip; import checks names, shapes and values") {
  Head head, back;
  REQUIRE(Head::Create({5, 4, 3}, 1, &head));
  std::vector<HeadTensor> tensors = head.Export();
  REQUIRE(tensors.size() == 4);
  CHECK(tensors[0].name == "fc1.weight");
  CHECK(tensors[0].shape == std::vector<int64_t>{4, 5});
  CHECK(tensors[3].name == "fc2.bias");
  CHECK(tensors[3].shape == std::vector<int64_t>{3});
  REQUIRE(Head::Import(tensors, &back));
  CHECK(std::vector<float>(back.params(), back.params() + back.num_params()) ==
        std::vector<float>(head.params(), head.params() + head.num_params()));
  CHECK(back.shape().hidden == 4);

  auto bad = tensors;
  bad[2].shape = {3, 5};
  bad[2].values.resize(15);
  CHECK(Head::Import(bad, &back).message().find("fc2.weight") != std::string::npos);
  bad = tensors;
  bad[1].values[0] = std::nanf("");
  CHECK(Head::Import(bad, &back).message().find("not finite") != std::string::npos);
  CHECK_FALSE(Head::Import({tensors[0]}, &back));
  CHECK_FALSE(Head::Create({0, 0, 3}, 1, &back));
}

TEST_CASE("Predict equals a hand-written forward of the mlp head") {
  Head head;
  REQUIRE(Head::Create({3, 2, 2}, 3, &head));
  float x[3] = {0.5f, -1.0f, 2.0f}, logits[2];
  head.Predict(x, 1, logits);
  for (int k = 0; k < 2; ++k) {
    double z = head.bias(1)[k];
    for (int j = 0; j < 2; ++j) {
      double h = head.bias(0)[j];
      for (int i = 0; i < 3; ++i) h += double(head.weight(0)[j * 3 + i]) * x[i];
      z += double(head.weight(1)[k * 2 + j]) * std::max(h, 0.0);
    }
    CHECK(logits[k] == doctest::Approx(z).epsilon(1e-6));
  }
}

// The whole head in float: loss(params) through HeadPass with fixed dropout masks.
void CheckHeadGradient(const HeadShape& shape, float dropout, const LossSettings& loss) {
  const size_t batch = 6;
  Head head;
  REQUIRE(Head::Create(shape, 11, &head));
  std::vector<double> features = testing::TestValues(batch * size_t(shape.inputs), 21, 2.0);
  std::vector<int> labels = {0, 1, 2, 1, 0, 2};
  HeadPass pass(shape, batch, dropout);
  Rng rng(1, 1);
  pass.DrawMasks(&rng, batch);  // kept for every evaluation below
  auto forward = [&] {
    for (size_t i = 0; i < features.size(); ++i) pass.input()[i] = float(features[i]);
    return pass.Forward(head, batch, labels.data(), loss, nullptr);
  };
  forward();
  std::vector<float> grads(head.num_params(), 0.0f);
  pass.Backward(head, grads.data(), batch, labels.data(), loss);
  // Perturb a double copy of the params and write it back into the head for each loss.
  std::vector<double> params(head.params(), head.params() + head.num_params());
  auto objective = [&] {
    for (size_t i = 0; i < params.size(); ++i) head.params()[i] = float(params[i]);
    return double(forward());
  };
  std::vector<double> analytic(grads.begin(), grads.end());
  // float: h = 1e-3 keeps the rounding noise near 1e-4; ReLU kinks are rarely crossed.
  testing::CheckGradient("head", &params, objective, analytic, 2e-3, 1e-3);
}

TEST_CASE("whole-head gradients match finite differences (float)") {
  std::vector<float> weights = {0.5f, 2.0f, 1.0f};
  LossSettings ce;
  SUBCASE("linear, cross-entropy") { CheckHeadGradient({7, 0, 3}, 0.0f, ce); }
  SUBCASE("linear, dropout, smoothing and weights") {
    LossSettings s{LossKind::kCrossEntropy, 0.1f, 0, weights.data()};
    CheckHeadGradient({7, 0, 3}, 0.3f, s);
  }
  SUBCASE("mlp, cross-entropy") { CheckHeadGradient({5, 9, 3}, 0.0f, ce); }
  SUBCASE("mlp, dropout, focal with weights") {
    LossSettings s{LossKind::kFocal, 0, 2.0f, weights.data()};
    CheckHeadGradient({5, 9, 3}, 0.25f, s);
  }
}

TEST_CASE("dropout masks drop about p and scale the kept values by 1/(1-p)") {
  HeadPass pass({1000, 0, 2}, 4, 0.2f);
  Rng rng(2, 2);
  pass.DrawMasks(&rng, 4);
  std::vector<float> ones(4000, 1.0f);
  Head head;
  REQUIRE(Head::Create({1000, 0, 2}, 1, &head));
  std::copy(ones.begin(), ones.end(), pass.input());
  std::vector<int> labels = {0, 1, 0, 1};
  pass.Forward(head, 4, labels.data(), LossSettings{}, nullptr);
  size_t dropped = 0;
  for (size_t i = 0; i < 4000; ++i) {
    float v = pass.input()[i];
    CHECK((v == 0.0f || v == doctest::Approx(1.25f)));
    dropped += v == 0.0f;
  }
  CHECK(double(dropped) / 4000 == doctest::Approx(0.2).epsilon(0.15));
}

}  // namespace
}  // namespace frost::train
