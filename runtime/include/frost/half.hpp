// IEEE 754 binary16 ("half") conversion: the storage type of `frost convert --fp16` weights.
// Public because the converter writes halves and the runtime reads them; both must round the
// same way. Halves are carried as their bit patterns (uint16_t).
#pragma once

#include <cstddef>
#include <cstdint>

namespace frost {

// float -> half, rounding to nearest, ties to even: values beyond the largest half (65504,
// after rounding) become +-inf, tiny ones become subnormal halves or +-0, and NaN stays NaN
// (quiet, sign and the top mantissa bits kept).
uint16_t FloatToHalf(float value);

// half -> float: exact (every half is a float).
float HalfToFloat(uint16_t half);

// The same for arrays, with the CPU's F16C instructions where it has them (bit-identical to
// the scalar functions above).
void FloatsToHalves(const float* in, size_t count, uint16_t* out);
void HalvesToFloats(const uint16_t* in, size_t count, float* out);

}  // namespace frost
