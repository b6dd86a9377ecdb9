// Sub: y = a - b (numpy broadcasting).
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter SubImporter() {
  BinarySpec spec;
  spec.op = "Sub";
  spec.fn = [](float a, float b) -> float { return a - b; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    *out = a - b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
