// The elementwise ops of two (or, for Sum/Max/Min, any number of) inputs with numpy
// broadcasting: each importer file states its formula; this builds the importer.
#pragma once

#include <cstdint>

#include "importer.hpp"

namespace frost::convert {

struct BinarySpec {
  const char* op;
  bool variadic = false;     // Sum, Max, Min: 1..N inputs
  bool bool_output = false;  // Equal
  float (*fn)(float a, float b) = nullptr;
  // int64 (and bool) arithmetic, for the shape glue exporters emit; may fail (division
  // by zero), returning false.
  bool (*int_fn)(int64_t a, int64_t b, int64_t* out) = nullptr;
};

OpImporter MakeBinaryImporter(const BinarySpec& spec);

}  // namespace frost::convert
