// Fused output activation: a clamp to [min, max] applied to an op's output.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "frost/frost.hpp"
#include "frost_generated.h"

namespace frost::ops {

struct Clamp {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();

  bool active() const { return !std::isinf(min) || !std::isinf(max); }
  // ONNX Clip order: max first, then min, so min > max yields max everywhere.
  float operator()(float v) const { return std::min(std::max(v, min), max); }
  void Apply(float* data, size_t n) const {
    if (!active()) return;
    for (size_t i = 0; i < n; ++i) data[i] = (*this)(data[i]);
  }
  // XNNPACK operators take output_min < output_max only.
  bool xnn_compatible() const { return min < max; }
};

inline Clamp ClampOf(const schema::Fused* fused) {
  Clamp c;
  if (fused == nullptr) return c;
  switch (fused->kind()) {
    case schema::FusedActivation::NONE:
      break;
    case schema::FusedActivation::RELU:
      c.min = 0.0f;
      break;
    case schema::FusedActivation::CLIP:
      c.min = fused->clip_min();
      c.max = fused->clip_max();
      break;
  }
  return c;
}

// Checks the fused activation's kind and bounds.
inline Status CheckFused(const schema::Fused* fused) {
  if (fused == nullptr) return Status::Ok();
  auto kind = fused->kind();
  if (kind < schema::FusedActivation::MIN || kind > schema::FusedActivation::MAX) {
    return Status::Error("unknown fused activation " + std::to_string(int(kind)));
  }
  if (kind == schema::FusedActivation::CLIP &&
      (std::isnan(fused->clip_min()) || std::isnan(fused->clip_max()))) {
    return Status::Error("fused CLIP bound is NaN");
  }
  return Status::Ok();
}

}  // namespace frost::ops
