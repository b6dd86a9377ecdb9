// Div: y = a / b (numpy broadcasting). Integer division truncates toward zero, as
// onnxruntime computes it (exporters emit it on int64 shape values).
#include "importers/binary.hpp"

namespace frost::convert {

OpImporter DivImporter() {
  BinarySpec spec;
  spec.op = "Div";
  spec.fn = [](float a, float b) -> float { return a / b; };
  spec.int_fn = [](int64_t a, int64_t b, int64_t* out) {
    if (b == 0) return false;
    *out = a / b;
    return true;
  };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
