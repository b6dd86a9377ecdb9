#include "frost/io/npy.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "frost/io/atomic_file.hpp"
#include "io/npy_header.hpp"
#include "io/read_file.hpp"

namespace frost::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicBytes = 6;

struct TypeInfo {
  NpyType type;
  const char* descr;
  size_t size;
};

constexpr TypeInfo kTypes[] = {
    {NpyType::kFloat32, "<f4", 4}, {NpyType::kFloat64, "<f8", 8}, {NpyType::kFloat16, "<f2", 2},
    {NpyType::kInt8, "|i1", 1},    {NpyType::kInt16, "<i2", 2},   {NpyType::kInt32, "<i4", 4},
    {NpyType::kInt64, "<i8", 8},   {NpyType::kUInt8, "|u1", 1},   {NpyType::kUInt16, "<u2", 2},
    {NpyType::kUInt32, "<u4", 4},  {NpyType::kUInt64, "<u8", 8},  {NpyType::kBool, "|b1", 1},
};

const TypeInfo& InfoOf(NpyType type) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == type) return info;
  }
  return kTypes[0];
}

// Maps a descr such as '<f4', '|u1' or '=i8' to a type; byte-sized types take any order.
Status TypeFromDescr(const std::string& descr, const std::string& name, NpyType* out) {
  if (descr.size() < 3) {
    return Status::Error(name + ": unsupported dtype '" + descr + "'");
  }
  const char order = descr[0];
  const std::string kind_size = descr.substr(1);
  for (const TypeInfo& info : kTypes) {
    if (kind_size != info.descr + 1) continue;
    if (info.size > 1 && order == '>') {
      return Status::Error(name + ": big-endian data ('" + descr +
                           "') is not supported; save it with arr.astype('<" + kind_size + "')");
    }
    // '=' is the writer's native order; NumPy itself always writes '<' or '|' on x86/ARM.
    if (order != '<' && order != '|' && order != '=' && order != '>') break;
    *out = info.type;
    return Status::Ok();
  }
  return Status::Error(name + ": unsupported dtype '" + descr +
                       "' (supported: float16/32/64, int8/16/32/64, uint8/16/32/64, bool)");
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1;
  const uint32_t exponent = (h >> 10) & 0x1f;
  const uint32_t mantissa = h & 0x3ff;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
  } else if (exponent == 31) {
    value =
        mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  }
  return sign ? -value : value;
}

template <typename T>
void ConvertTo(const uint8_t* src, size_t count, float* dst) {
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, src + i * sizeof(T), sizeof(T));
    dst[i] = static_cast<float>(v);
  }
}

void ConvertToFloat(NpyType type, const uint8_t* src, size_t count, float* dst) {
  switch (type) {
    case NpyType::kFloat32:
      std::memcpy(dst, src, count * sizeof(float));
      break;
    case NpyType::kFloat64:
      ConvertTo<double>(src, count, dst);
      break;
    case NpyType::kFloat16:
      for (size_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = HalfToFloat(h);
      }
      break;
    case NpyType::kInt8:
      ConvertTo<int8_t>(src, count, dst);
      break;
    case NpyType::kInt16:
      ConvertTo<int16_t>(src, count, dst);
      break;
    case NpyType::kInt32:
      ConvertTo<int32_t>(src, count, dst);
      break;
    case NpyType::kInt64:
      ConvertTo<int64_t>(src, count, dst);
      break;
    case NpyType::kUInt8:
      ConvertTo<uint8_t>(src, count, dst);
      break;
    case NpyType::kUInt16:
      ConvertTo<uint16_t>(src, count, dst);
      break;
    case NpyType::kUInt32:
      ConvertTo<uint32_t>(src, count, dst);
      break;
    case NpyType::kUInt64:
      ConvertTo<uint64_t>(src, count, dst);
      break;
    case NpyType::kBool:
      for (size_t i = 0; i < count; ++i) dst[i] = src[i] ? 1.0f : 0.0f;
      break;
  }
}

uint32_t ReadLittleEndian(const uint8_t* p, size_t bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

size_t NpyItemSize(NpyType type) { return InfoOf(type).size; }
const char* NpyDescr(NpyType type) { return InfoOf(type).descr; }

std::string ShapeToString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Status ParseNpy(const void* bytes, size_t size, const std::string& name, NpyArray* out) {
  const auto* p = static_cast<const uint8_t*>(bytes);
  if (size < kMagicBytes + 2 || std::memcmp(p, kMagic, kMagicBytes) != 0) {
    return Status::Error(name +
                         ": not a .npy file (bad magic: it does not start with "
                         "\\x93NUMPY)");
  }
  const int major = p[6];
  const int minor = p[7];
  if (major < 1 || major > 3) {
    return Status::Error(name + ": unsupported .npy format version " + std::to_string(major) + "." +
                         std::to_string(minor) + " (1.0, 2.0 and 3.0 are supported)");
  }
  const size_t length_bytes = major == 1 ? 2 : 4;
  const size_t prefix = kMagicBytes + 2 + length_bytes;
  if (size < prefix) return Status::Error(name + ": truncated .npy header");
  const size_t header_length = ReadLittleEndian(p + kMagicBytes + 2, length_bytes);
  if (size - prefix < header_length) {
    return Status::Error(name + ": truncated .npy header: it says " +
                         std::to_string(header_length) + " bytes, the file has " +
                         std::to_string(size - prefix) + " after the prefix");
  }
  NpyHeaderFields fields;
  const std::string header(reinterpret_cast<const char*>(p + prefix), header_length);
  if (Status s = ParseNpyHeaderDict(header, name, &fields); !s) return s;
  if (fields.fortran_order) {
    return Status::Error(name +
                         ": Fortran-order arrays are not supported; save "
                         "np.ascontiguousarray(arr) instead");
  }
  NpyType type;
  if (Status s = TypeFromDescr(fields.descr, name, &type); !s) return s;

  const size_t item = NpyItemSize(type);
  size_t count = 1;
  for (int64_t dim : fields.shape) {
    if (dim < 0)
      return Status::Error(name + ": negative dimension in shape " + ShapeToString(fields.shape));
    if (dim != 0 && count > std::numeric_limits<size_t>::max() / item / static_cast<size_t>(dim)) {
      return Status::Error(name + ": shape " + ShapeToString(fields.shape) + " is too large");
    }
    count *= static_cast<size_t>(dim);
  }
  const size_t data_bytes = size - prefix - header_length;
  const size_t expected = count * item;
  const std::string what = "shape " + ShapeToString(fields.shape) + " of " + fields.descr;
  if (data_bytes < expected) {
    return Status::Error(name + ": truncated data: " + what + " needs " + std::to_string(expected) +
                         " bytes after the header, the file has " + std::to_string(data_bytes));
  }
  if (data_bytes > expected) {
    return Status::Error(name + ": size mismatch: " + what + " needs " + std::to_string(expected) +
                         " bytes after the header, the file has " + std::to_string(data_bytes));
  }
  out->shape = fields.shape;
  out->source_type = type;
  out->data.resize(count);
  ConvertToFloat(type, p + prefix + header_length, count, out->data.data());
  return Status::Ok();
}

Status ReadNpy(const std::string& path, NpyArray* out) {
  std::vector<uint8_t> bytes;
  if (Status s = ReadWholeFile(path, &bytes); !s) return s;
  return ParseNpy(bytes.data(), bytes.size(), path, out);
}

std::string NpyHeader(NpyType type, const std::vector<int64_t>& shape) {
  std::string dict =
      "{'descr': '" + std::string(NpyDescr(type)) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
  }
  dict += "), }";
  // Pad with spaces and a final newline so the data starts 64-byte aligned (NumPy's rule);
  // version 1.0 stores the header length in 16 bits, 2.0 in 32.
  auto padded_length = [&](size_t length_bytes) {
    const size_t unpadded = kMagicBytes + 2 + length_bytes + dict.size() + 1;
    return dict.size() + 1 + (64 - unpadded % 64) % 64;
  };
  const int major = padded_length(2) <= 0xffff ? 1 : 2;
  const size_t length_bytes = major == 1 ? 2 : 4;
  dict.append(padded_length(length_bytes) - dict.size() - 1, ' ');
  dict += '\n';
  std::string header(kMagic, kMagicBytes);
  header += static_cast<char>(major);
  header += '\0';
  for (size_t i = 0; i < length_bytes; ++i)
    header += static_cast<char>((dict.size() >> (8 * i)) & 0xff);
  return header + dict;
}

Status WriteNpy(const std::string& path, NpyType type, const std::vector<int64_t>& shape,
                const void* data) {
  size_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return Status::Error("cannot write " + path + ": negative dimension in shape " +
                           ShapeToString(shape));
    count *= static_cast<size_t>(dim);
  }
  const std::string header = NpyHeader(type, shape);
  AtomicFile file;
  if (Status s = AtomicFile::Open(path, &file); !s) return s;
  if (Status s = file.Write(header.data(), header.size()); !s) return s;
  if (Status s = file.Write(data, count * NpyItemSize(type)); !s) return s;
  return file.Commit();
}

}  // namespace frost::io
