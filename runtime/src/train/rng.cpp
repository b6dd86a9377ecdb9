// xoshiro256** (Blackman & Vigna) seeded by splitmix64; see rng.hpp for the exact recipe.
#include "train/rng.hpp"

namespace frost::train {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64(uint64_t* x) {
  *x += kGolden;
  return Mix(*x);
}

}  // namespace

Rng::Rng(uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ Mix(stream + kGolden);
  for (uint64_t& word : s_) word = SplitMix64(&x);
}

}  // namespace frost::train
