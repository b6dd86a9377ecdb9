// NumPy .npy files: the exchange format of `frost run --input/--output` and the trainer.
//
// Reading accepts format versions 1.0, 2.0 and 3.0, C order (fortran_order False), and the
// little-endian (or byte-sized) numeric dtypes below; the values are converted to float32,
// the type models take. Big-endian data, Fortran order, structured and object dtypes are
// rejected with a message that names the file.
// Writing produces version 1.0 (2.0 for headers over 64 KiB), header padded to 64 bytes as
// NumPy does, through AtomicFile (temp + fsync + rename).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::io {

enum class NpyType {
  kFloat32,  // '<f4'
  kFloat64,  // '<f8'
  kFloat16,  // '<f2'
  kInt8,     // '|i1'
  kInt16,    // '<i2'
  kInt32,    // '<i4'
  kInt64,    // '<i8'
  kUInt8,    // '|u1'
  kUInt16,   // '<u2'
  kUInt32,   // '<u4'
  kUInt64,   // '<u8'
  kBool,     // '|b1'
};

size_t NpyItemSize(NpyType type);
const char* NpyDescr(NpyType type);  // e.g. "<f4"

struct NpyArray {
  std::vector<int64_t> shape;               // () for a scalar
  std::vector<float> data;                  // C order, converted to float32
  NpyType source_type = NpyType::kFloat32;  // the dtype stored in the file
  size_t elements() const { return data.size(); }
};

// Reads `path`, converting any supported dtype to float32.
Status ReadNpy(const std::string& path, NpyArray* out);
// Same from bytes in memory; `name` is used in error messages.
Status ParseNpy(const void* bytes, size_t size, const std::string& name, NpyArray* out);

// Writes `data` (shape's product elements of `type`) atomically.
Status WriteNpy(const std::string& path, NpyType type, const std::vector<int64_t>& shape,
                const void* data);
inline Status WriteNpy(const std::string& path, const std::vector<int64_t>& shape,
                       const float* data) {
  return WriteNpy(path, NpyType::kFloat32, shape, data);
}

// The complete header (magic, version, length, dict, padding) for `type` and `shape`.
std::string NpyHeader(NpyType type, const std::vector<int64_t>& shape);

// "[2, 3, 224, 224]": how shapes appear in frost's messages.
std::string ShapeToString(const std::vector<int64_t>& shape);

}  // namespace frost::io
