# Data sets for evaluation and fine-tuning. Paths relative to runtime/.
list(APPEND FROST_RUNTIME_SOURCES
  src/data/open.cpp
  src/data/image_folder_dataset.cpp
  src/data/idx_dataset.cpp
  src/data/npy_dataset.cpp
  src/data/run_dataset.cpp
  src/data/metrics.cpp)
