// Serialising the IR into the .frost format (runtime/schema/frost.fbs): the only code that
// touches the FlatBufferBuilder. The file is
//   [uint32 size][FlatBuffer "FRST"][zero padding to 64][data segment]
// and every constant's bytes sit in the data segment at a 64-aligned offset relative to
// its start. The weights never go through the builder: they are streamed to the sink one
// tensor at a time after the (small) FlatBuffer, so files over 2 GiB work.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir.hpp"

namespace frost::convert {

struct FileMetadata {
  float scale = 1.0f / 255.0f;
  std::vector<float> mean;
  std::vector<float> std;
  bool bgr = false;
  float crop_fraction = 1.0f;
  std::vector<std::string> labels;
  std::string source;
  std::string producer;
};

// Receives the file's bytes in order.
using ByteSink = std::function<Status(const void* data, size_t size)>;

Status WriteFrost(const Graph& graph, const FileMetadata& meta, const ByteSink& sink);

}  // namespace frost::convert
