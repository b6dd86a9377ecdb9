// A constant input of a kernel (weights, bias) as float32 values, whatever type and layout the
// file stores it in. Plain FLOAT32 is used in place (the mapped file, or the session's copy);
// FLOAT16, and weights in PANELS32 layout, are converted (unpacked), on Load(), into a buffer
// this object owns. A kernel whose fast path packs the
// values into its own buffer (XNNPACK) calls Release() afterwards, so that a converted copy
// does not stay resident beside the packed one; if it later runs its reference kernel after
// all, Load() converts again (in Setup: Run never allocates). frost's own kernels pack FLOAT16
// weights as halves (PackWeight below) and never need the float32 copy.
#pragma once

#include <memory>
#include <vector>

#include "ops/op.hpp"

namespace frost::ops {

class FloatConstant {
 public:
  // Input `input` of `args`, which must be a constant or absent (data() is then nullptr).
  // A float32 input is ready at once; another one after Load(). An unsupported stored type
  // is an error naming the tensor.
  Status Bind(const KernelArgs& args, size_t input);
  // Makes data() valid again after Release (no-op when it is).
  Status Load();
  // Frees a converted copy; data() is nullptr until Load(). Nothing for values used in place.
  void Release();
  const float* data() const { return data_; }

 private:
  const float* in_place_ = nullptr;  // float32 values usable as they are
  const void* stored_ = nullptr;     // otherwise: the stored bytes ...
  schema::DataType type_ = schema::DataType::FLOAT32;  // ... their type
  size_t count_ = 0;                                   // ... and element count
  int64_t rows_ = 0;  // > 0: stored in PANELS32 layout, of this many rows (output channels)
  std::vector<float> converted_;
  const float* data_ = nullptr;
};

// The weight (input 1) and optional bias (input 2) of Conv2D and FullyConnected.
struct WeightAndBias {
  FloatConstant weight, bias;

  // Binds and loads both.
  Status Bind(const KernelArgs& args) {
    if (auto s = weight.Bind(args, 1); !s) return s;
    if (auto s = bias.Bind(args, 2); !s) return s;
    return Load();
  }
  Status Load() {
    if (auto s = weight.Load(); !s) return s;
    return bias.Load();
  }
  void Release() {
    weight.Release();
    bias.Release();
  }
};

// Input 1 of Conv2D / FullyConnected ([n][k] as stored: FLOAT32, or FLOAT16 kept as halves)
// and its bias (input 2) packed for frost's kernels on the session's threads, the weight's
// file pages dropped panel by panel; a weight stored in PANELS32 layout is used in place.
Status PackWeight(const KernelArgs& args, int64_t n, int64_t k,
                  std::unique_ptr<kernels::PackedWeights>* out);

}  // namespace frost::ops
