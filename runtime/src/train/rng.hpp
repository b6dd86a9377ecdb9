// frost's seeded random numbers for training: xoshiro256** seeded by splitmix64.
//
// Everything is integer arithmetic, so a (seed, stream) gives the same numbers on every
// machine; tests/train/gen/torch_reference.py reimplements it in Python to feed PyTorch
// the same initial head and sample orders. Precisely:
//   splitmix64 step:  x += 0x9E3779B97F4A7C15; z = x;
//                     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//                     z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)
//   Rng(seed, stream): x = seed ^ Mix(stream) where Mix is the splitmix64 finaliser (the
//                     last three lines above) of stream + 0x9E3779B97F4A7C15; the four
//                     xoshiro256** state words are the next four splitmix64 outputs of x.
//   Uniform():        (Next() >> 40) * 2^-24, in [0, 1) with 24 random bits (exact in float)
//   Below(n):         (Next() * n) >> 64 with a 128-bit product (Lemire, no rejection: the
//                     bias is below n / 2^64)
//   Shuffle(a):       for i = n-1 down to 1: swap(a[i], a[Below(i + 1)])
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace frost::train {

// Independent streams of one seed, so that e.g. epoch 7's order does not depend on how
// many numbers the initialisation drew.
enum class RngStream : uint64_t { kInit = 1, kSplit = 2, kOrder = 3, kDropout = 4 };
inline uint64_t StreamId(RngStream kind, uint64_t index = 0) {
  return (uint64_t(kind) << 32) | index;
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream);

  // Inline: dropout masks draw one number per activation.
  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // (Through int32: converting a uint64 to float is a slow path on x86-64.)
  float Uniform() { return float(int32_t(Next() >> 40)) * (1.0f / 16777216.0f); }
  uint64_t Below(uint64_t n) {
    return uint64_t((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  template <typename T>
  void Shuffle(std::vector<T>* values) {
    for (size_t i = values->size(); i > 1; --i) {
      std::swap((*values)[i - 1], (*values)[Below(i)]);
    }
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace frost::train
