# Runtime sources (owned by the runtime). Paths relative to runtime/.
set(FROST_RUNTIME_SOURCES
  src/graph_shapes.cpp
  src/half.cpp
  src/panels.cpp
  src/memory_plan.cpp
  src/model.cpp
  src/model_check.cpp
  src/session.cpp
  src/shape.cpp
  src/xnn_util.cpp
  src/kernels/conv.cpp
  src/kernels/conv_int8.cpp
  src/kernels/gemm.cpp
  src/kernels/gemm_int8.cpp
  src/kernels/winograd.cpp
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
  src/ops/weights.cpp
)
# The C API (include/frost/frost.h): a thin layer over the C++ API.
list(APPEND FROST_RUNTIME_SOURCES
  src/c_api/errors.cpp
  src/c_api/finetune.cpp
  src/c_api/model_session.cpp)
# frost's own micro-kernels, each file compiled for its instruction set (chosen at run time).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  list(APPEND FROST_RUNTIME_SOURCES
    src/kernels/micro_kernel_avx2.cpp
    src/kernels/micro_kernel_avx512.cpp
    src/kernels/micro_kernel_avx512_vnni.cpp
    src/kernels/winograd_transforms_avx2.cpp
    src/kernels/winograd_transforms_avx512.cpp)
  set_source_files_properties(src/kernels/micro_kernel_avx2.cpp
    src/kernels/winograd_transforms_avx2.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c")
  set_source_files_properties(src/kernels/micro_kernel_avx512.cpp
    src/kernels/winograd_transforms_avx512.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx512f;-mfma;-mf16c")
  set_source_files_properties(src/kernels/micro_kernel_avx512_vnni.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx512bw;-mavx512vnni")
  set(FROST_X86_KERNELS ON)
endif()
