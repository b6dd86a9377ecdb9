#include "shape.hpp"

namespace frost {

std::string ShapeToString(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

int64_t ElementCount(const Shape& shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d == 0) {
      count = 0;
      continue;
    }
    if (count > kMaxElements / d) return -1;
    count *= d;
  }
  return count;
}

size_t DataTypeSize(schema::DataType type) {
  switch (type) {
    case schema::DataType::FLOAT32:
      return 4;
    case schema::DataType::FLOAT16:
      return 2;
    case schema::DataType::INT8:
      return 1;
    case schema::DataType::INT32:
      return 4;
    case schema::DataType::INT64:
      return 8;
  }
  return 0;
}

const char* DataTypeName(schema::DataType type) {
  switch (type) {
    case schema::DataType::FLOAT32:
      return "FLOAT32";
    case schema::DataType::FLOAT16:
      return "FLOAT16";
    case schema::DataType::INT8:
      return "INT8";
    case schema::DataType::INT32:
      return "INT32";
    case schema::DataType::INT64:
      return "INT64";
  }
  return "unknown";
}

}  // namespace frost
