// Reads a whole file into memory; the error names the file and the system's reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::io {

Status ReadWholeFile(const std::string& path, std::vector<uint8_t>* out);

}  // namespace frost::io
