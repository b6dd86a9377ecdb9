// Pow: y = a ^ b (numpy broadcasting); a float exponent of any type.
#include <cmath>

#include "importers/binary.hpp"

namespace frost::convert {

OpImporter PowImporter() {
  BinarySpec spec;
  spec.op = "Pow";
  spec.fn = [](float a, float b) -> float { return std::pow(a, b); };
  return MakeBinaryImporter(spec);
}

}  // namespace frost::convert
