// float <-> IEEE binary16 by bit manipulation, and the same for arrays with F16C where the
// CPU has it. The scalar functions define the results; the F16C loops must (and, by the tests
// in tests/runtime/half_test.cpp, do) give the very same bits.
#include "frost/half.hpp"

#include <bit>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define FROST_HAVE_F16C_PATH 1
#endif

namespace frost {
namespace {

// Drops the low `shift` bits of `value`, rounding to nearest with ties to even. A carry out of
// the mantissa moves into the exponent, which is what the bit layout of both formats wants.
uint32_t ShiftRoundEven(uint32_t value, int shift) {
  const uint32_t kept = value >> shift;
  const uint32_t rest = value & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  return kept + ((rest > half || (rest == half && (kept & 1))) ? 1 : 0);
}

}  // namespace

uint16_t FloatToHalf(float value) {
  const uint32_t x = std::bit_cast<uint32_t>(value);
  const uint16_t sign = uint16_t((x >> 16) & 0x8000);
  const uint32_t abs = x & 0x7fffffff;
  if (abs > 0x7f800000) {
    // NaN: quiet, keeping the top 10 bits of the payload (what F16C does, too).
    return uint16_t(sign | 0x7e00 | ((abs >> 13) & 0x3ff));
  }
  // 65520 (half way between 65504, the largest half, and 65536) and beyond: infinity, as
  // is float infinity itself.
  if (abs >= 0x477ff000) return uint16_t(sign | 0x7c00);
  if (abs >= 0x38800000) {
    // A normal half: rebias the exponent (127 -> 15) and round the mantissa to 10 bits.
    return uint16_t(sign | ShiftRoundEven(abs - (112u << 23), 13));
  }
  // Below 2^-14: a subnormal half m * 2^-24, or zero. Up to 2^-25 (a tie, to even) that is 0.
  if (abs <= 0x33000000) return sign;
  const uint32_t mantissa = (abs & 0x7fffff) | 0x800000;  // with the implicit bit
  const int shift = 126 - int(abs >> 23);                 // 14..24
  return uint16_t(sign | ShiftRoundEven(mantissa, shift));
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = uint32_t(half & 0x8000) << 16;
  const uint32_t exponent = (half >> 10) & 0x1f;
  const uint32_t mantissa = half & 0x3ff;
  if (exponent == 0x1f) {
    // Infinity, or NaN made quiet (as F16C does) with its payload.
    return std::bit_cast<float>(sign | 0x7f800000 | (mantissa != 0 ? 0x400000u : 0u) |
                                (mantissa << 13));
  }
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    const float magnitude = float(mantissa) * 5.9604644775390625e-8f;
    return sign ? -magnitude : magnitude;
  }
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

namespace {

#ifdef FROST_HAVE_F16C_PATH
bool CpuHasF16c() {
  static const bool has = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  return has;
}

// Each converts the leading multiple of 8 elements and returns how many that was.
__attribute__((target("avx,f16c"))) size_t FloatsToHalvesF16c(const float* in, size_t count,
                                                                 uint16_t* out) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
  }
  return i;
}

__attribute__((target("avx,f16c"))) size_t HalvesToFloatsF16c(const uint16_t* in, size_t count,
                                                                float* out) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
  }
  return i;
}
#else
bool CpuHasF16c() { return false; }
size_t FloatsToHalvesF16c(const float*, size_t, uint16_t*) { return 0; }
size_t HalvesToFloatsF16c(const uint16_t*, size_t, float*) { return 0; }
#endif

}  // namespace

void FloatsToHalves(const float* in, size_t count, uint16_t* out) {
  const size_t done = CpuHasF16c() ? FloatsToHalvesF16c(in, count, out) : 0;
  for (size_t i = done; i < count; ++i) out[i] = FloatToHalf(in[i]);
}

void HalvesToFloats(const uint16_t* in, size_t count, float* out) {
  const size_t done = CpuHasF16c() ? HalvesToFloatsF16c(in, count, out) : 0;
  for (size_t i = done; i < count; ++i) out[i] = HalfToFloat(in[i]);
}

}  // namespace frost
