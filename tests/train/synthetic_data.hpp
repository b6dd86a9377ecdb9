// Seeded Gaussian-blob feature sets for the trainer tests.
#pragma once

#include <cmath>
#include <numbers>

#include "frost/train.hpp"
#include "train/rng.hpp"

namespace frost::train::testing {

// `per_class[c]` samples of class c around a random centre (unit Gaussian entries),
// with Gaussian noise of standard deviation `noise`.
inline FeatureSet Blobs(const std::vector<int>& per_class, size_t dim, double noise,
                        uint64_t seed) {
  Rng rng(seed, 77);
  auto gaussian = [&] {
    double u1 = (double(rng.Next() >> 11) + 0.5) / 9007199254740992.0;
    double u2 = double(rng.Next() >> 11) / 9007199254740992.0;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  };
  std::vector<std::vector<double>> centres(per_class.size(), std::vector<double>(dim));
  for (auto& centre : centres) {
    for (double& v : centre) v = gaussian();
  }
  FeatureSet set;
  set.dim = dim;
  for (size_t c = 0; c < per_class.size(); ++c) {
    for (int i = 0; i < per_class[c]; ++i) {
      for (size_t d = 0; d < dim; ++d)
        set.features.push_back(float(centres[c][d] + noise * gaussian()));
      set.labels.push_back(int(c));
    }
  }
  return set;
}

}  // namespace frost::train::testing
