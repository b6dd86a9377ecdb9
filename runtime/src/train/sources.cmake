# The trainer: a classifier head trained on cached backbone features. Paths relative to runtime/.
list(APPEND FROST_RUNTIME_SOURCES
  src/train/config.cpp
  src/train/evaluate.cpp
  src/train/head.cpp
  src/train/head_pass.cpp
  src/train/layers.cpp
  src/train/linear_f32.cpp
  src/train/loss.cpp
  src/train/optimizer.cpp
  src/train/rng.cpp
  src/train/sampling.cpp
  src/train/schedule.cpp
  src/train/trainer.cpp
  src/train/trainer_epoch.cpp)
# sqrt without errno lets the optimiser loops vectorise; results are unchanged.
set_source_files_properties(src/train/optimizer.cpp PROPERTIES COMPILE_OPTIONS -fno-math-errno)
# Fine-tuning API and the files that carry a trained head (frost/finetune.hpp).
list(APPEND FROST_RUNTIME_SOURCES
  src/heads/attach_draft.cpp
  src/heads/emit.cpp
  src/heads/fine_tuner.cpp
  src/heads/head_draft.cpp
  src/heads/head_files.cpp)
