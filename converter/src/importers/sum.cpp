// Sum: y = sum of 1..N inputs (numpy broadcasting); lowered to a chain of Adds.
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter SumImporter() {
  BinarySpec spec;
  spec.op = "Sum";
  spec.variadic = true;
  spec.fn = [](float a, float b) -> float { return a + b; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    *out = a + b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
