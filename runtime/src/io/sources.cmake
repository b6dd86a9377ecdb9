# npy / image / atomic-file IO (used by the CLI, the trainer and device apps).
# Paths relative to runtime/.
list(APPEND FROST_RUNTIME_SOURCES
  src/io/atomic_file.cpp
  src/io/image_decode.cpp
  src/io/image_preprocess.cpp
  src/io/image_resize.cpp
  src/io/jpeg_decode.cpp
  src/io/npy.cpp
  src/io/npy_header.cpp
  src/io/progress.cpp
  src/io/read_file.cpp
  src/io/sha256.cpp
)
