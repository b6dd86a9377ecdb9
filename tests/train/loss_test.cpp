// Cross-entropy (label smoothing, class weights) and focal loss: values against direct
// formulas, gradients against central finite differences (double).
#include <doctest/doctest.h>

#include <cmath>

#include "finite_difference.hpp"
#include "train/loss.hpp"

namespace frost::train {
namespace {

using testing::CheckGradient;
using testing::TestValues;

const size_t kBatch = 4, kClasses = 5;
const std::vector<int> kLabels = {0, 3, 3, 4};
const std::vector<double> kWeights = {0.5, 1.0, 2.0, 1.5, 3.0};

// -log softmax(z)[c], computed the naive way (fine for the small test logits).
double NegLogProb(const double* z, size_t classes, int c) {
  double sum = 0;
  for (size_t k = 0; k < classes; ++k) sum += std::exp(z[k]);
  return -(z[c] - std::log(sum));
}

struct Case {
  const char* name;
  bool focal;
  double smoothing_or_gamma;
  bool weighted;
};

const Case kCases[] = {
    {"cross-entropy", false, 0.0, false},
    {"cross-entropy, label smoothing 0.1", false, 0.1, false},
    {"cross-entropy, class weights", false, 0.0, true},
    {"cross-entropy, label smoothing 0.2 and class weights", false, 0.2, true},
    {"focal gamma 2", true, 2.0, false},
    {"focal gamma 2, class weights", true, 2.0, true},
    {"focal gamma 0.5, class weights", true, 0.5, true},
    {"focal gamma 0", true, 0.0, false},
};

double Loss(const Case& c, std::vector<double>* logp, std::vector<double>* probs,
            const std::vector<double>& logits) {
  LossArgs<double> args{kBatch, kClasses, kLabels.data(), c.weighted ? kWeights.data() : nullptr};
  double s = c.smoothing_or_gamma;
  return c.focal ? FocalForward(logp->data(), probs->data(), logits.data(), args, s)
                 : CrossEntropyForward(logp->data(), probs->data(), logits.data(), args, s);
}

// The documented formula, written out directly.
double ExpectedLoss(const Case& c, const std::vector<double>& z) {
  double num = 0, den = 0;
  for (size_t b = 0; b < kBatch; ++b) {
    const double* row = z.data() + b * kClasses;
    int y = kLabels[b];
    double wy = c.weighted ? kWeights[size_t(y)] : 1.0;
    double nll = NegLogProb(row, kClasses, y);
    double l;
    if (c.focal) {
      l = std::pow(1 - std::exp(-nll), c.smoothing_or_gamma) * nll * wy;
    } else {
      double smooth = 0;
      for (size_t k = 0; k < kClasses; ++k) {
        smooth += (c.weighted ? kWeights[k] : 1.0) * NegLogProb(row, kClasses, int(k));
      }
      double s = c.smoothing_or_gamma;
      l = (1 - s) * wy * nll + s / double(kClasses) * smooth;
    }
    num += l;
    den += wy;
  }
  return num / den;
}

TEST_CASE("every loss matches its formula and finite differences") {
  for (const Case& c : kCases) {
    CAPTURE(c.name);
    std::vector<double> logits = TestValues(kBatch * kClasses, 11, 3.0);
    std::vector<double> logp(logits.size()), probs(logits.size()), dlogits(logits.size());
    CHECK(Loss(c, &logp, &probs, logits) ==
          doctest::Approx(ExpectedLoss(c, logits)).epsilon(1e-12));
    LossArgs<double> args{kBatch, kClasses, kLabels.data(), c.weighted ? kWeights.data() : nullptr};
    if (c.focal) {
      FocalBackward(dlogits.data(), logp.data(), probs.data(), args, c.smoothing_or_gamma);
    } else {
      CrossEntropyBackward(dlogits.data(), probs.data(), args, c.smoothing_or_gamma);
    }
    CheckGradient(
        c.name, &logits, [&] { return Loss(c, &logp, &probs, logits); }, dlogits);
  }
}

TEST_CASE("focal loss with gamma 0 is weighted cross-entropy, values and gradients") {
  std::vector<double> z = TestValues(kBatch * kClasses, 12, 2.0), logp(z.size()), p(z.size());
  std::vector<double> d_focal(z.size()), d_ce(z.size());
  LossArgs<double> args{kBatch, kClasses, kLabels.data(), kWeights.data()};
  double focal = FocalForward(logp.data(), p.data(), z.data(), args, 0.0);
  FocalBackward(d_focal.data(), logp.data(), p.data(), args, 0.0);
  double ce = CrossEntropyForward(logp.data(), p.data(), z.data(), args, 0.0);
  CrossEntropyBackward(d_ce.data(), p.data(), args, 0.0);
  CHECK(focal == doctest::Approx(ce).epsilon(1e-14));
  for (size_t i = 0; i < z.size(); ++i)
    CHECK(d_focal[i] == doctest::Approx(d_ce[i]).epsilon(1e-12));
}

TEST_CASE("cross-entropy of a known example: logits [1, 2, 3], label 2") {
  std::vector<double> z = {1, 2, 3}, logp(3), p(3), d(3);
  int label = 2;
  LossArgs<double> args{1, 3, &label, nullptr};
  double expected = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
  CHECK(CrossEntropyForward(logp.data(), p.data(), z.data(), args, 0.0) ==
        doctest::Approx(expected));
  CrossEntropyBackward(d.data(), p.data(), args, 0.0);
  double p2 = std::exp(-expected);
  CHECK(d[2] == doctest::Approx(p2 - 1));
  CHECK(d[0] + d[1] + d[2] == doctest::Approx(0).epsilon(1e-15));
}

TEST_CASE("losses stay finite for logits of +-1000 (float)") {
  std::vector<float> z = {1000.0f, -1000.0f, 0.0f, -1000.0f, 1000.0f, 999.0f};
  std::vector<int> labels = {1, 1};  // sample 0 is confidently wrong, sample 1 right
  std::vector<float> logp(z.size()), p(z.size()), d(z.size());
  LossArgs<float> args{2, 3, labels.data(), nullptr};
  float ce = CrossEntropyForward(logp.data(), p.data(), z.data(), args, 0.1f);
  CHECK(std::isfinite(ce));
  // -log p: sample 0 [0, 2000, 1000]; sample 1 [2000 + a, a, 1 + a] with a = log(1 + e^-1).
  double a = std::log1p(std::exp(-1.0));
  double nll = 2000 + a, smooth = 3000 + (2001 + 3 * a);
  CHECK(ce == doctest::Approx((0.9 * nll + 0.1 / 3 * smooth) / 2).epsilon(1e-6));
  CrossEntropyBackward(d.data(), p.data(), args, 0.1f);
  for (float v : d) CHECK(std::isfinite(v));
  float focal = FocalForward(logp.data(), p.data(), z.data(), args, 2.0f);
  CHECK(std::isfinite(focal));
  FocalBackward(d.data(), logp.data(), p.data(), args, 2.0f);
  for (float v : d) CHECK(std::isfinite(v));
}

TEST_CASE("softmax counts the first maximum as the prediction") {
  std::vector<double> z = {1, 3, 3, 0, 0, 5}, logp(6), p(6);
  std::vector<int> labels = {1, 2};
  CHECK(Softmax(logp.data(), p.data(), z.data(), 2, 3, labels.data()) == 2);
  labels = {2, 2};
  CHECK(Softmax(logp.data(), p.data(), z.data(), 2, 3, labels.data()) == 1);
  CHECK(p[0] + p[1] + p[2] == doctest::Approx(1.0));
  for (size_t i = 0; i < 6; ++i) CHECK(std::exp(logp[i]) == doctest::Approx(p[i]).epsilon(1e-15));
}

}  // namespace
}  // namespace frost::train
