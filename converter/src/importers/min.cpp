// Min: y = elementwise minimum of 1..N inputs (numpy broadcasting).
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter MinImporter() {
  BinarySpec spec;
  spec.op = "Min";
  spec.variadic = true;
  spec.fn = [](float a, float b) -> float { return a < b ? a : b; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    *out = a < b ? a : b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
