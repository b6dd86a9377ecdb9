// The batch axis of an ONNX model's data input, read from the file every runtime loads:
// which batch sizes a side-by-side run may ask of all of them. (frost's own
// batch_polymorphic flag says more: its converter proves that a batch-1 export runs at any
// batch, which onnxruntime, holding to the declared shape, refuses.)
#pragma once

#include <cstdint>
#include <string>

#include "frost/frost.hpp"

namespace frost::bench {

struct OnnxBatchAxis {
  bool symbolic = false;  // a named (dynamic) axis: any batch
  int64_t size = 0;       // the fixed size otherwise
};

// The first graph input that is not an initializer; an error names the file.
Status ReadOnnxBatchAxis(const std::string& path, OnnxBatchAxis* axis);

}  // namespace frost::bench
