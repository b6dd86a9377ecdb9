#include "io/read_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace frost::io {

Status ReadWholeFile(const std::string& path, std::vector<uint8_t>* out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  out->clear();
  if (std::fseek(f.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(f.get());
    if (size > 0) out->reserve(static_cast<size_t>(size));
    std::rewind(f.get());
  }
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f.get())) > 0) {
    out->insert(out->end(), chunk, chunk + n);
  }
  if (std::ferror(f.get())) {
    return Status::Error("cannot read " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace frost::io
