#include "onnx_batch.hpp"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

#include "onnx/onnx_pb.h"

namespace frost::bench {

Status ReadOnnxBatchAxis(const std::string& path, OnnxBatchAxis* axis) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("cannot open " + path + ": " + std::strerror(errno));
  google::protobuf::io::FileInputStream file(fd);
  file.SetCloseOnDelete(true);
  google::protobuf::io::CodedInputStream coded(&file);
  coded.SetTotalBytesLimit(INT_MAX);  // VGG-16 is 553 MB, over protobuf's default limit
  onnx::ModelProto model;
  if (!model.ParseFromCodedStream(&coded)) {
    return Status::Error(path + " is not a valid ONNX model (protobuf parse failed)");
  }
  std::set<std::string> initializers;
  for (const auto& t : model.graph().initializer()) initializers.insert(t.name());
  for (const auto& input : model.graph().input()) {
    if (initializers.count(input.name())) continue;
    const auto& shape = input.type().tensor_type().shape();
    if (shape.dim_size() == 0) {
      return Status::Error(path + ": input '" + input.name() + "' has no shape");
    }
    const auto& dim = shape.dim(0);
    axis->symbolic = !dim.has_dim_value();
    axis->size = dim.has_dim_value() ? dim.dim_value() : 0;
    return Status::Ok();
  }
  return Status::Error(path + ": no graph input besides the initializers");
}

}  // namespace frost::bench
