#include "frost/io/npy.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "test_util.hpp"

using frost::io::NpyArray;
using frost::io::NpyType;
using frost::testing::ReadText;
using frost::testing::ScratchDir;
using frost::testing::WriteBytes;

namespace {

// A .npy file image with `dict` as header text, padded like NumPy, then `data`.
std::string NpyBytes(const std::string& dict, const std::string& data, int major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((10 - 2 + length_bytes + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(major);
  bytes += '\0';
  for (size_t i = 0; i < length_bytes; ++i)
    bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return bytes + header + data;
}

std::string FloatBytes(const std::vector<float>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

frost::Status Parse(const std::string& bytes, NpyArray* out) {
  return frost::io::ParseNpy(bytes.data(), bytes.size(), "x.npy", out);
}

// Parsing must fail, and the message must name the file and contain `expected`.
void ExpectError(const std::string& bytes, const std::string& expected) {
  NpyArray array;
  const frost::Status s = Parse(bytes, &array);
  REQUIRE_FALSE(s.ok());
  INFO(s.message());
  CHECK(s.message().rfind("x.npy: ", 0) == 0);
  CHECK(s.message().find(expected) != std::string::npos);
}

}  // namespace

TEST_CASE("npy: float32 round trips for every rank, including scalars and empty arrays") {
  ScratchDir dir("npy_round_trip");
  const std::vector<std::vector<int64_t>> shapes = {{}, {0}, {5}, {2, 3}, {1, 3, 4, 4}, {2, 0, 3}};
  for (const auto& shape : shapes) {
    size_t count = 1;
    for (int64_t d : shape) count *= static_cast<size_t>(d);
    std::vector<float> values(count);
    for (size_t i = 0; i < count; ++i) values[i] = std::sin(static_cast<float>(i)) * 1e3f;
    const std::string path = dir.File("a.npy");
    REQUIRE(frost::io::WriteNpy(path, shape, values.data()));
    const std::string bytes = ReadText(path);
    const size_t header_length =
        10 + static_cast<uint8_t>(bytes[8]) + 256 * static_cast<uint8_t>(bytes[9]);
    CHECK(header_length % 64 == 0);  // data 64-byte aligned, as NumPy writes
    NpyArray back;
    REQUIRE(frost::io::ReadNpy(path, &back));
    CHECK(back.shape == shape);
    CHECK(back.source_type == NpyType::kFloat32);
    CHECK(back.data == values);
  }
  CHECK(dir.Entries() == std::vector<std::string>{"a.npy"});  // no temporary file left
}

TEST_CASE("npy: the header is byte for byte what NumPy writes") {
  // np.save(f, np.zeros((2, 3), np.float32)) and np.save(f, np.zeros(5, np.uint8)) (NumPy 1.24)
  const std::string numpy_f4 = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                               "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" +
                               std::string(58, ' ') + "\n";
  CHECK(frost::io::NpyHeader(NpyType::kFloat32, {2, 3}) == numpy_f4);
  const std::string numpy_u1 = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                               "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }" +
                               std::string(60, ' ') + "\n";
  CHECK(frost::io::NpyHeader(NpyType::kUInt8, {5}) == numpy_u1);
}

TEST_CASE("npy: every dtype is read and converted to float32") {
  ScratchDir dir("npy_dtypes");
  const std::string path = dir.File("t.npy");
  auto round_trip = [&](NpyType type, const void* data, size_t count) {
    REQUIRE(frost::io::WriteNpy(path, type, {static_cast<int64_t>(count)}, data));
    NpyArray back;
    REQUIRE(frost::io::ReadNpy(path, &back));
    CHECK(back.source_type == type);
    CHECK(back.shape == std::vector<int64_t>{static_cast<int64_t>(count)});
    return back.data;
  };
  const double f8[] = {1.5, -2.25, 1e30};
  CHECK(round_trip(NpyType::kFloat64, f8, 3) == std::vector<float>{1.5f, -2.25f, 1e30f});
  // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal), +inf
  const uint16_t f2[] = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00};
  const auto halves = round_trip(NpyType::kFloat16, f2, 5);
  CHECK(halves[0] == 1.0f);
  CHECK(halves[1] == -2.0f);
  CHECK(halves[2] == 65504.0f);
  CHECK(halves[3] == std::ldexp(1.0f, -24));
  CHECK(std::isinf(halves[4]));
  const int8_t i1[] = {-128, 0, 127};
  CHECK(round_trip(NpyType::kInt8, i1, 3) == std::vector<float>{-128, 0, 127});
  const int16_t i2[] = {-32768, 7, 32767};
  CHECK(round_trip(NpyType::kInt16, i2, 3) == std::vector<float>{-32768, 7, 32767});
  const int32_t i4[] = {-100000, 3, 16777216};
  CHECK(round_trip(NpyType::kInt32, i4, 3) == std::vector<float>{-100000, 3, 16777216});
  const int64_t i8[] = {-5, 0, int64_t{1} << 40};
  CHECK(round_trip(NpyType::kInt64, i8, 3) == std::vector<float>{-5, 0, 1099511627776.0f});
  const uint8_t u1[] = {0, 128, 255};
  CHECK(round_trip(NpyType::kUInt8, u1, 3) == std::vector<float>{0, 128, 255});
  const uint16_t u2[] = {0, 65535};
  CHECK(round_trip(NpyType::kUInt16, u2, 2) == std::vector<float>{0, 65535});
  const uint32_t u4[] = {1, 4000000000u};
  CHECK(round_trip(NpyType::kUInt32, u4, 2) == std::vector<float>{1, 4000000000.0f});
  const uint64_t u8[] = {2, uint64_t{1} << 63};
  CHECK(round_trip(NpyType::kUInt64, u8, 2) == std::vector<float>{2, 9223372036854775808.0f});
  const uint8_t b1[] = {0, 1, 0, 1};
  CHECK(round_trip(NpyType::kBool, b1, 4) == std::vector<float>{0, 1, 0, 1});
}

TEST_CASE("npy: format versions 2.0 and 3.0, double quotes, Python 2 longs, '=' order") {
  const std::string data = FloatBytes({1, 2, 3, 4, 5, 6});
  NpyArray a;
  REQUIRE(
      Parse(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data, 2), &a));
  CHECK(a.shape == std::vector<int64_t>{2, 3});
  CHECK(a.data[5] == 6.0f);
  REQUIRE(
      Parse(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", data, 3), &a));
  CHECK(a.shape == std::vector<int64_t>{6});
  REQUIRE(Parse(
      NpyBytes("{\"shape\": (3L, 2L), \"descr\": \"=f4\", \"fortran_order\": False}", data), &a));
  CHECK(a.shape == std::vector<int64_t>{3, 2});
  CHECK(a.data[0] == 1.0f);
}

TEST_CASE("npy: wide shapes get a version 2.0 header that reads back") {
  ScratchDir dir("npy_v2");
  std::vector<int64_t> shape(25000, 1);  // "1, " 25000 times: a header over 64 KiB
  const float value = 42;
  REQUIRE(frost::io::WriteNpy(dir.File("wide.npy"), shape, &value));
  const std::string bytes = ReadText(dir.File("wide.npy"));
  CHECK(bytes[6] == 2);
  NpyArray back;
  REQUIRE(frost::io::ReadNpy(dir.File("wide.npy"), &back));
  CHECK(back.shape.size() == 25000);
  CHECK(back.data == std::vector<float>{42});
}

TEST_CASE("npy: corrupt headers are errors that name the file and the fault") {
  const std::string data = FloatBytes({1, 2, 3, 4, 5, 6});
  const std::string good =
      NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
  NpyArray ok;
  REQUIRE(Parse(good, &ok));

  std::string bad_magic = good;
  bad_magic[1] = 'X';
  ExpectError(bad_magic, "bad magic");
  ExpectError("", "bad magic");
  ExpectError("PK\x03\x04 a zip file", "bad magic");
  std::string bad_version = good;
  bad_version[6] = 4;
  ExpectError(bad_version, "version 4.0");
  ExpectError(good.substr(0, 9), "truncated .npy header");
  ExpectError(good.substr(0, 40), "truncated .npy header");

  auto with = [&](const std::string& dict) { return NpyBytes(dict, data); };
  ExpectError(with("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }"), "big-endian");
  ExpectError(with("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }"), "Fortran");
  ExpectError(with("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }"),
              "unsupported dtype '<c8'");
  ExpectError(with("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }"),
              "unsupported dtype");
  ExpectError(with("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }"),
              "structured");
  ExpectError(with("{'descr': '<f4', 'shape': (2, 3), }"), "missing key 'fortran_order'");
  ExpectError(with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"), "malformed");
  ExpectError(with("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }"), "malformed");
  ExpectError(with("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3), }"), "True or False");
  ExpectError(with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}"),
              "unexpected key 'x'");
  ExpectError(with("['descr', '<f4']"), "malformed");
  ExpectError(with("{'descr: '<f4'}"), "malformed");
  ExpectError(with("{'descr': '<f4', 'fortran_order': False, 'shape': "
                   "(99999999999, 99999999999, 99999999999), }"),
              "too large");
}

TEST_CASE("npy: truncated data and extra bytes are size errors") {
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const std::string data = FloatBytes({1, 2, 3, 4, 5, 6});
  ExpectError(NpyBytes(dict, data.substr(0, 20)),
              "truncated data: shape [2, 3] of <f4 needs 24 bytes");
  ExpectError(NpyBytes(dict, ""), "the file has 0");
  ExpectError(NpyBytes(dict, data + "xx"), "size mismatch");
}

TEST_CASE("npy: file errors name the path") {
  ScratchDir dir("npy_files");
  NpyArray a;
  frost::Status s = frost::io::ReadNpy(dir.File("missing.npy"), &a);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("missing.npy") != std::string::npos);
  CHECK(s.message().find("No such file") != std::string::npos);

  WriteBytes(dir.File("short.npy"), "\x93NUMPY\x01");
  s = frost::io::ReadNpy(dir.File("short.npy"), &a);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("short.npy") != std::string::npos);

  const float v = 1;
  s = frost::io::WriteNpy(dir.File("no/such/dir/out.npy"), {1}, &v);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("out.npy") != std::string::npos);
}

TEST_CASE("npy: ShapeToString") {
  CHECK(frost::io::ShapeToString({}) == "[]");
  CHECK(frost::io::ShapeToString({1, 3, 224, 224}) == "[1, 3, 224, 224]");
}

TEST_CASE("npy: random corruption and truncation give errors, never a crash") {
  const std::string good = frost::io::NpyHeader(NpyType::kFloat32, {2, 3}) + std::string(24, '\0');
  std::mt19937 rng(7);
  size_t errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % 128] = static_cast<char>(rng());
    if (rng() % 3 == 0) bytes.resize(rng() % bytes.size());
    NpyArray a;
    const frost::Status s = Parse(bytes, &a);
    if (!s.ok()) {
      ++errors;
      CHECK(s.message().rfind("x.npy", 0) == 0);
    } else {
      size_t count = 1;
      for (int64_t d : a.shape) count *= static_cast<size_t>(d);
      CHECK(a.data.size() == count);
    }
  }
  CHECK(errors > 1000);
}
