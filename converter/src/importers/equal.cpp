// Equal: y = (a == b) as bool; only folded at conversion (shape glue).
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter EqualImporter() {
  BinarySpec spec;
  spec.op = "Equal";
  spec.bool_output = true;
  spec.fn = [](float a, float b) -> float { return a == b ? 1.f : 0.f; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    *out = a == b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
