// frost's training RNG: pinned outputs (seeds must mean the same thing in every release and
// in tests/train/gen/frost_rng.py), ranges and shuffles.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "train/rng.hpp"

namespace frost::train {
namespace {

TEST_CASE("the generator's outputs are pinned (same values as frost_rng.py)") {
  Rng a(0, 0);
  CHECK(a.Next() == 0xfb5405f7bd79c540ull);
  CHECK(a.Next() == 0x780c98e26cea5883ull);
  CHECK(a.Next() == 0x2a146e0980febc66ull);
  Rng b(42, StreamId(RngStream::kOrder, 7));
  CHECK(b.Next() == 0xebbb7d7a56944e02ull);
  CHECK(b.Next() == 0x2f27ee44a07d6babull);
  CHECK(b.Below(10) == 4);
  CHECK(b.Uniform() == 0.7461149f);
  std::vector<int> v(10);
  std::iota(v.begin(), v.end(), 0);
  Rng(5, StreamId(RngStream::kOrder, 2)).Shuffle(&v);
  CHECK(v == std::vector<int>{8, 5, 3, 7, 9, 0, 6, 4, 2, 1});
}

TEST_CASE("streams and seeds differ; Uniform and Below stay in range") {
  CHECK(Rng(1, 0).Next() != Rng(2, 0).Next());
  CHECK(Rng(1, 0).Next() != Rng(1, 1).Next());
  Rng rng(7, 3);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    float u = rng.Uniform();
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    sum += u;
    REQUIRE(rng.Below(13) < 13);
  }
  CHECK(sum / 100000 == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("a shuffle is a permutation and every position gets every value") {
  Rng rng(3, 9);
  std::vector<std::vector<int>> seen(5, std::vector<int>(5, 0));
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<int> v = {0, 1, 2, 3, 4};
    rng.Shuffle(&v);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == std::vector<int>{0, 1, 2, 3, 4});
    for (int pos = 0; pos < 5; ++pos) seen[size_t(pos)][size_t(v[size_t(pos)])]++;
  }
  for (const auto& row : seen) {
    for (int count : row) CHECK(count > 300);  // 400 expected
  }
}

}  // namespace
}  // namespace frost::train
