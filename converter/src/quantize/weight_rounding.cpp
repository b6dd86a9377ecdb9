#include "quantize/weight_rounding.hpp"

#include <algorithm>
#include <cmath>

namespace frost::convert {
namespace {

// In-place Cholesky a = L L^T of the symmetric positive definite n x n `a` (lower triangle
// written, upper left as is); false if a pivot is not positive.
bool Cholesky(std::vector<double>& a, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  return true;
}

// The inverse of the n x n SPD matrix whose Cholesky factor L (lower) is in `l`.
std::vector<double> InverseFromCholesky(const std::vector<double>& l, size_t n) {
  // L^-1 by forward substitution, then A^-1 = L^-T L^-1.
  std::vector<double> inv_l(n * n, 0.0);
  for (size_t c = 0; c < n; ++c) {
    inv_l[c * n + c] = 1.0 / l[c * n + c];
    for (size_t i = c + 1; i < n; ++i) {
      double s = 0;
      for (size_t k = c; k < i; ++k) s += l[i * n + k] * inv_l[k * n + c];
      inv_l[i * n + c] = -s / l[i * n + i];
    }
  }
  std::vector<double> inv(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i; j < n; ++j) {
      double s = 0;
      for (size_t k = j; k < n; ++k) s += inv_l[k * n + i] * inv_l[k * n + j];
      inv[i * n + j] = inv[j * n + i] = s;
    }
  }
  return inv;
}

}  // namespace

InputMoments::InputMoments(const Node& n, const std::vector<int64_t>& weight_shape, size_t images,
                           size_t max_patches)
    : max_patches_(max_patches), images_(images) {
  conv_ = n.op == "Conv";
  if (conv_) {
    const auto k = n.Ints("kernel_shape"), s = n.Ints("strides"), d = n.Ints("dilations"), p = n.Ints("pads");
    kh_ = k[0], kw_ = k[1], sh_ = s[0], sw_ = s[1], dh_ = d[0], dw_ = d[1];
    pad_top_ = p[0], pad_left_ = p[1], pad_bottom_ = p[2], pad_right_ = p[3];
  }
  dim_ = 1;
  for (size_t i = 1; i < weight_shape.size(); ++i) dim_ *= size_t(weight_shape[i]);
  sum_.assign(dim_ * dim_, 0.0);
}

void InputMoments::AddPatch(const float* x) {
  for (size_t i = 0; i < dim_; ++i) {
    const double xi = x[i];
    if (xi == 0) continue;
    double* row = sum_.data() + i * dim_;
    for (size_t j = i; j < dim_; ++j) row[j] += xi * double(x[j]);
  }
  ++patches_;
}

void InputMoments::Add(const std::vector<int64_t>& shape, const float* data) {
  if (!conv_) {
    const size_t rows = size_t(shape[0]);
    if (stride_ == 1) stride_ = std::max<size_t>(1, images_ / std::max<size_t>(max_patches_, 1));
    for (size_t r = 0; r < rows; ++r, ++position_) {
      if (position_ % stride_ == 0) AddPatch(data + r * dim_);
    }
    return;
  }
  const int64_t batch = shape[0], h = shape[1], w = shape[2], c = shape[3];
  const int64_t oh = (h + pad_top_ + pad_bottom_ - dh_ * (kh_ - 1) - 1) / sh_ + 1;
  const int64_t ow = (w + pad_left_ + pad_right_ - dw_ * (kw_ - 1) - 1) / sw_ + 1;
  const size_t total = images_ * size_t(oh * ow);
  // An odd stride, so that the positions taken do not line up with image rows.
  if (position_ == 0) stride_ = std::max<size_t>(1, total / std::max<size_t>(max_patches_, 1)) | 1;
  std::vector<float> patch(dim_);
  for (int64_t b = 0; b < batch; ++b) {
    const float* image = data + size_t(b * h * w * c);
    for (int64_t y = 0; y < oh; ++y) {
      for (int64_t x = 0; x < ow; ++x, ++position_) {
        if (position_ % stride_ != 0) continue;
        size_t k = 0;
        for (int64_t i = 0; i < kh_; ++i) {
          for (int64_t j = 0; j < kw_; ++j) {
            const int64_t iy = y * sh_ - pad_top_ + i * dh_, ix = x * sw_ - pad_left_ + j * dw_;
            const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            for (int64_t ch = 0; ch < c; ++ch, ++k) patch[k] = inside ? image[(iy * w + ix) * c + ch] : 0.0f;
          }
        }
        AddPatch(patch.data());
      }
    }
  }
}

std::vector<double> InputMoments::Matrix() const {
  std::vector<double> h(dim_ * dim_);
  const double n = std::max<double>(double(patches_), 1.0);
  for (size_t i = 0; i < dim_; ++i) {
    for (size_t j = i; j < dim_; ++j) h[i * dim_ + j] = h[j * dim_ + i] = sum_[i * dim_ + j] / n;
  }
  return h;
}

bool RoundWithErrorFeedback(const std::vector<float>& weight, size_t out_channels, const std::vector<float>& scales,
                            std::vector<double> h, std::vector<int8_t>* q) {
  const size_t k = weight.size() / out_channels;
  // Inputs that were always 0 carry no information: their weights are rounded as they are.
  // Damping by 1 % of the mean diagonal keeps H well conditioned (GPTQ's choice).
  double mean_diag = 0;
  for (size_t i = 0; i < k; ++i) mean_diag += h[i * k + i];
  mean_diag = mean_diag > 0 ? mean_diag / double(k) : 1.0;
  for (size_t i = 0; i < k; ++i) {
    if (!(h[i * k + i] > 0)) {
      for (size_t j = 0; j < k; ++j) h[i * k + j] = h[j * k + i] = 0;
      h[i * k + i] = mean_diag;
    }
    h[i * k + i] += 0.01 * mean_diag;
  }
  std::vector<double> l = h;
  if (!Cholesky(l, k)) return false;
  // U, the upper Cholesky factor of H^-1 (H^-1 = U^T U): row i holds how column i's rounding
  // error spreads over the columns after it.
  // GPTQ's U: the upper Cholesky factor of H^-1 (H^-1 = U^T U, so U = L^T for H^-1 = L L^T).
  // Row i holds how column i's rounding error spreads over the columns after it.
  std::vector<double> inverse = InverseFromCholesky(l, k);
  if (!Cholesky(inverse, k)) return false;
  std::vector<double> u(k * k, 0.0);
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i; j < k; ++j) u[i * k + j] = inverse[j * k + i];
  }
  q->resize(weight.size());
  std::vector<double> w(k);
  for (size_t o = 0; o < out_channels; ++o) {
    const double scale = scales[o];
    for (size_t i = 0; i < k; ++i) w[i] = weight[o * k + i];
    for (size_t i = 0; i < k; ++i) {
      const double v = std::clamp(std::nearbyint(w[i] / scale), -127.0, 127.0);
      (*q)[o * k + i] = int8_t(v);
      const double error = (w[i] - v * scale) / u[i * k + i];
      for (size_t j = i + 1; j < k; ++j) w[j] -= error * u[i * k + j];
    }
  }
  return true;
}

}  // namespace frost::convert
