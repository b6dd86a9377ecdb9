# Runtime sources (owned by the runtime). Paths relative to runtime/.
set(FROST_RUNTIME_SOURCES
  src/graph_shapes.cpp
  src/memory_plan.cpp
  src/model.cpp
  src/model_check.cpp
  src/session.cpp
  src/shape.cpp
  src/xnn_util.cpp
  src/ops/binary.cpp
  src/ops/concat.cpp
  src/ops/conv2d.cpp
  src/ops/conv2d_int8.cpp
  src/ops/fully_connected.cpp
  src/ops/fully_connected_int8.cpp
  src/ops/global_pool.cpp
  src/ops/int8.cpp
  src/ops/matmul.cpp
  src/ops/pad.cpp
  src/ops/pool2d.cpp
  src/ops/registry.cpp
  src/ops/reshape.cpp
  src/ops/slice.cpp
  src/ops/softmax.cpp
  src/ops/transpose.cpp
  src/ops/unary.cpp
)
# The C API (include/frost/frost.h): a thin layer over the C++ API.
list(APPEND FROST_RUNTIME_SOURCES
  src/c_api/errors.cpp
  src/c_api/finetune.cpp
  src/c_api/model_session.cpp)
