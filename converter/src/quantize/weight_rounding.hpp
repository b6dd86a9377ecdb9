// Rounding weights to int8 with error feedback (GPTQ, Frantar et al. 2022, which is Optimal
// Brain Quantization applied one input column at a time): rounding each weight to its nearest
// grid point makes errors that a layer's correlated inputs add up; instead the columns are
// rounded in turn and each one's error is pushed onto the columns not yet rounded, weighted
// by the inverse of the input second-moment matrix H = E[x x^T] measured on the calibration
// data. That minimises the layer's output error sum (W x - W_q x)^2 column by column rather
// than each weight's own error, for the price of an H per layer (K x K, K = kernel taps x
// input channels) and its Cholesky factor.
#pragma once

#include <cstdint>
#include <vector>

#include "ir.hpp"

namespace frost::convert {

// E[x x^T] over the patches (im2col rows, in OHWI's [kh, kw, c] order) a Conv with group 1 or
// a FullyConnected multiplies its weight rows with.
class InputMoments {
 public:
  // For node `n` reading inputs of up to `images` samples: at most `max_patches` patches are
  // taken, evenly spaced over all output positions.
  InputMoments(const Node& n, const std::vector<int64_t>& weight_shape, size_t images, size_t max_patches);
  // One batch of the node's input as the runtime stores it (NHWC, or [N, K]).
  void Add(const std::vector<int64_t>& shape, const float* data);
  size_t dim() const { return dim_; }
  size_t patches() const { return patches_; }
  // H (dim x dim, row major), the mean over the patches seen.
  std::vector<double> Matrix() const;

 private:
  void AddPatch(const float* x);

  bool conv_ = false;
  int64_t kh_ = 1, kw_ = 1, sh_ = 1, sw_ = 1, dh_ = 1, dw_ = 1, pad_top_ = 0, pad_left_ = 0, pad_bottom_ = 0,
          pad_right_ = 0;
  size_t dim_ = 0, stride_ = 1, position_ = 0, patches_ = 0, max_patches_;
  size_t images_;
  std::vector<double> sum_;  // upper triangle, row major over dim x dim
};

// Rounds `w` ([O, K] row major, row o scaled by scales[o], symmetric, [-127, 127]) column by
// column with error feedback through `h` (K x K, E[x x^T]); writes q ([O, K]). Falls back to
// rounding to nearest (returns false) if H is not positive definite even after damping.
bool RoundWithErrorFeedback(const std::vector<float>& w, size_t out_channels, const std::vector<float>& scales,
                            std::vector<double> h, std::vector<int8_t>* q);

}  // namespace frost::convert
