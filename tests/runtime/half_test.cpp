// float <-> binary16: known values, round-to-nearest-even at every kind of boundary, an
// independent check against the compiler's _Float16, and the array functions (F16C where the
// CPU has it) bit-identical to the scalar ones.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "frost/half.hpp"

namespace {

using frost::FloatToHalf;
using frost::HalfToFloat;

uint32_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
float FromBits(uint32_t u) { return std::bit_cast<float>(u); }

bool IsNanHalf(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0; }

}  // namespace

TEST_CASE("half: exact values convert both ways") {
  CHECK(FloatToHalf(0.0f) == 0x0000);
  CHECK(FloatToHalf(-0.0f) == 0x8000);
  CHECK(FloatToHalf(1.0f) == 0x3c00);
  CHECK(FloatToHalf(-2.0f) == 0xc000);
  CHECK(FloatToHalf(0.5f) == 0x3800);
  CHECK(FloatToHalf(65504.0f) == 0x7bff);              // largest half
  CHECK(FloatToHalf(std::ldexp(1.0f, -14)) == 0x0400);  // smallest normal
  CHECK(FloatToHalf(std::ldexp(1.0f, -24)) == 0x0001);  // smallest subnormal
  CHECK(FloatToHalf(std::ldexp(1023.0f, -24)) == 0x03ff);
  CHECK(HalfToFloat(0x3c00) == 1.0f);
  CHECK(HalfToFloat(0x7bff) == 65504.0f);
  CHECK(HalfToFloat(0x0001) == std::ldexp(1.0f, -24));
  CHECK(HalfToFloat(0x03ff) == std::ldexp(1023.0f, -24));
  CHECK(HalfToFloat(0x8000) == 0.0f);
  CHECK(std::signbit(HalfToFloat(0x8000)));
  CHECK(HalfToFloat(0x7c00) == std::numeric_limits<float>::infinity());
  CHECK(HalfToFloat(0xfc00) == -std::numeric_limits<float>::infinity());
}

TEST_CASE("half: rounding is to nearest, ties to even") {
  // Between 1 and 1 + 2^-10: the tie goes to the even 1, just above it to 1 + 2^-10.
  CHECK(FloatToHalf(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);
  CHECK(FloatToHalf(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)) == 0x3c01);
  // Between 1 + 2^-10 (odd) and 1 + 2^-9: the tie goes up to the even one.
  CHECK(FloatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);
  // A carry out of the mantissa into the exponent: just under 2 rounds to 2.
  CHECK(FloatToHalf(std::nextafter(2.0f, 0.0f)) == 0x4000);
  // Overflow: 65519.99 stays 65504, 65520 (the tie; 65504 is odd) and above become inf.
  CHECK(FloatToHalf(std::nextafter(65520.0f, 0.0f)) == 0x7bff);
  CHECK(FloatToHalf(65520.0f) == 0x7c00);
  CHECK(FloatToHalf(-1e6f) == 0xfc00);
  CHECK(FloatToHalf(std::numeric_limits<float>::infinity()) == 0x7c00);
  // Subnormals: 2^-25 is the tie between 0 and 2^-24 (to even: 0); just above rounds up.
  CHECK(FloatToHalf(std::ldexp(1.0f, -25)) == 0x0000);
  CHECK(FloatToHalf(std::nextafter(std::ldexp(1.0f, -25), 1.0f)) == 0x0001);
  CHECK(FloatToHalf(-std::ldexp(1.0f, -30)) == 0x8000);
  CHECK(FloatToHalf(std::ldexp(3.0f, -25)) == 0x0002);  // 1.5 * 2^-24: tie, to even 2
  CHECK(FloatToHalf(std::ldexp(5.0f, -25)) == 0x0002);  // 2.5 * 2^-24: tie, to even 2
  // The largest subnormal rounds up into the smallest normal.
  CHECK(FloatToHalf(std::nextafter(std::ldexp(1.0f, -14), 0.0f)) == 0x0400);
  CHECK(FloatToHalf(std::numeric_limits<float>::denorm_min()) == 0x0000);
}

TEST_CASE("half: NaN stays NaN both ways") {
  CHECK(IsNanHalf(FloatToHalf(std::numeric_limits<float>::quiet_NaN())));
  CHECK(IsNanHalf(FloatToHalf(-std::numeric_limits<float>::quiet_NaN())));
  CHECK(IsNanHalf(FloatToHalf(FromBits(0x7f800001))));  // payload only in the low bits
  CHECK(IsNanHalf(FloatToHalf(FromBits(0xffbfffff))));
  CHECK(std::isnan(HalfToFloat(0x7c01)));
  CHECK(std::isnan(HalfToFloat(0xfe00)));
}

TEST_CASE("half: every half survives half -> float -> half, in order") {
  float previous = -std::numeric_limits<float>::infinity();
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t half = uint16_t(h);
    const float f = HalfToFloat(half);
    if (IsNanHalf(half)) {
      CHECK(std::isnan(f));
      CHECK(IsNanHalf(FloatToHalf(f)));
      continue;
    }
    REQUIRE(FloatToHalf(f) == half);
    // Positive halves ascend with their bits; check that the float values do too.
    if (h >= 1 && h <= 0x7c00) {
      CHECK(f > previous);
      previous = f;
    }
  }
}

#if defined(__FLT16_MAX__)
TEST_CASE("half: agrees with the compiler's _Float16 on a million floats") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> any_bits;
  std::uniform_real_distribution<float> exponent(-28.0f, 17.0f);
  for (int i = 0; i < 1000000; ++i) {
    // Half of them any bit pattern, half spread over the range halves cover.
    float f = i % 2 ? FromBits(any_bits(rng)) : std::exp2(exponent(rng)) * (i % 4 ? 1 : -1);
    if (std::isnan(f)) continue;  // NaN payloads are not defined by the language
    const _Float16 reference = static_cast<_Float16>(f);
    uint16_t bits;
    std::memcpy(&bits, &reference, 2);
    REQUIRE_MESSAGE(FloatToHalf(f) == bits, "float bits " << Bits(f));
  }
}
#endif

TEST_CASE("half: the array functions give the scalar functions' bits") {
  // All 65,536 halves (odd count and offsets, so the vector loop's tail is covered too).
  std::vector<uint16_t> halves(0x10000);
  for (uint32_t h = 0; h < 0x10000; ++h) halves[h] = uint16_t(h);
  for (size_t offset : {0, 3}) {
    const size_t count = halves.size() - offset;
    std::vector<float> floats(count);
    frost::HalvesToFloats(halves.data() + offset, count, floats.data());
    for (size_t i = 0; i < count; ++i) {
      REQUIRE_MESSAGE(Bits(floats[i]) == Bits(HalfToFloat(halves[offset + i])),
                      "half " << halves[offset + i]);
    }
  }
  // Floats: random bit patterns (NaNs, infinities, subnormals included) and the boundaries.
  std::mt19937 rng(11);
  std::uniform_int_distribution<uint32_t> any_bits;
  std::vector<float> floats(1000003);
  for (float& f : floats) f = FromBits(any_bits(rng));
  for (uint32_t b : {0x477ff000u, 0x477fefffu, 0x33000000u, 0x33000001u, 0x387fffffu, 0x7f800001u,
                     0xffc00000u, 0x7f800000u, 0x80000000u, 0x00000001u}) {
    floats.push_back(FromBits(b));
  }
  for (int e = -30; e <= 17; ++e) {
    for (int k = -4; k <= 4; ++k) floats.push_back(std::ldexp(1.0f + k * 0x1p-11f, e));
  }
  std::vector<uint16_t> out(floats.size());
  frost::FloatsToHalves(floats.data(), floats.size(), out.data());
  for (size_t i = 0; i < floats.size(); ++i) {
    REQUIRE_MESSAGE(out[i] == FloatToHalf(floats[i]), "float bits " << Bits(floats[i]));
  }
}
