#include "format.hpp"

#include <cstdio>

namespace frost::cli {

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Scaled(double value, const std::string& unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (value >= 1000 && i < 4) {
    value /= 1000;
    ++i;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), i == 0 ? "%.0f" : "%.3g", value);
  std::string s = std::string(buffer) + " " + prefixes[i] + unit;
  while (s.back() == ' ') s.pop_back();
  return s;
}

std::string Bytes(uint64_t bytes) {
  char buffer[64];
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const double kib = bytes / 1024.0;
  if (kib < 1024)
    std::snprintf(buffer, sizeof(buffer), "%.1f KiB", kib);
  else
    std::snprintf(buffer, sizeof(buffer), "%.1f MiB", kib / 1024);
  return buffer;
}

}  // namespace frost::cli
