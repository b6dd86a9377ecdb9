// The Python dict literal in a .npy header, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::io {

struct NpyHeaderFields {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// `name` (the file) prefixes every error message.
Status ParseNpyHeaderDict(const std::string& header, const std::string& name, NpyHeaderFields* out);

}  // namespace frost::io
