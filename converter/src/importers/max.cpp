// Max: y = elementwise maximum of 1..N inputs (numpy broadcasting).
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter MaxImporter() {
  BinarySpec spec;
  spec.op = "Max";
  spec.variadic = true;
  spec.fn = [](float a, float b) -> float { return a > b ? a : b; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    *out = a > b ? a : b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
