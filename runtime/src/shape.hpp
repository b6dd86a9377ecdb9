// Shapes, element counts and data type sizes shared by the loader, the planner and the ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frost_generated.h"

namespace frost {

using Shape = std::vector<int64_t>;

// Ranks above this are rejected when a model is loaded.
inline constexpr size_t kMaxRank = 8;
// A tensor larger than this many elements is treated as a corrupt shape (2^48).
inline constexpr int64_t kMaxElements = int64_t{1} << 48;

std::string ShapeToString(const Shape& shape);

// Product of the dims; -1 if a dim is negative or the product exceeds kMaxElements.
int64_t ElementCount(const Shape& shape);

// Bytes per element; 0 for a value outside the enum.
size_t DataTypeSize(schema::DataType type);
const char* DataTypeName(schema::DataType type);

// `value` rounded up to a multiple of `alignment` (a power of two).
inline constexpr uint64_t RoundUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

}  // namespace frost
