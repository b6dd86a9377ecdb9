// Plain NCHW float implementations the converter tests compare against, written from the
// ONNX definitions independently of frost's runtime kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace frost::testing {

struct Conv2DParams {
  int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int64_t group = 1;
};

// x [N, C, H, W], w [M, C/group, KH, KW], b [M] or empty -> [N, M, OH, OW].
inline std::vector<float> RefConv2D(const std::vector<float>& x, int64_t N, int64_t C, int64_t H,
                                    int64_t W, const std::vector<float>& w, int64_t M, int64_t KH,
                                    int64_t KW, const std::vector<float>& b, const Conv2DParams& p,
                                    int64_t* OH_out = nullptr, int64_t* OW_out = nullptr) {
  const int64_t OH = (H + p.pad_t + p.pad_b - p.dil_h * (KH - 1) - 1) / p.stride_h + 1;
  const int64_t OW = (W + p.pad_l + p.pad_r - p.dil_w * (KW - 1) - 1) / p.stride_w + 1;
  const int64_t CG = C / p.group, MG = M / p.group;
  std::vector<float> y(N * M * OH * OW);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double acc = b.empty() ? 0.0 : b[m];
          const int64_t g = m / MG;
          for (int64_t c = 0; c < CG; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                const int64_t ih = oh * p.stride_h - p.pad_t + kh * p.dil_h;
                const int64_t iw = ow * p.stride_w - p.pad_l + kw * p.dil_w;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += static_cast<double>(x[((n * C + g * CG + c) * H + ih) * W + iw]) *
                       w[((m * CG + c) * KH + kh) * KW + kw];
              }
          y[((n * M + m) * OH + oh) * OW + ow] = static_cast<float>(acc);
        }
  if (OH_out) *OH_out = OH;
  if (OW_out) *OW_out = OW;
  return y;
}

// 2-D pooling over [N, C, H, W] to the given output size (ceil_mode decided by the
// caller through OH/OW). Max ignores padding; average divides by the window cells inside
// the input, or (count_include_pad) inside the padded input.
inline std::vector<float> RefPool2D(bool max, const std::vector<float>& x, int64_t N, int64_t C,
                                    int64_t H, int64_t W, int64_t KH, int64_t KW, int64_t SH,
                                    int64_t SW, int64_t PT, int64_t PL, int64_t PB, int64_t PR,
                                    int64_t OH, int64_t OW, bool count_include_pad = false) {
  std::vector<float> y(N * C * OH * OW);
  for (int64_t nc = 0; nc < N * C; ++nc)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
        int64_t count = 0, padded_count = 0;
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            const int64_t ih = oh * SH - PT + kh, iw = ow * SW - PL + kw;
            if (ih >= -PT && ih < H + PB && iw >= -PL && iw < W + PR) ++padded_count;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            const double v = x[(nc * H + ih) * W + iw];
            acc = max ? std::max(acc, v) : acc + v;
            ++count;
          }
        y[(nc * OH + oh) * OW + ow] =
            static_cast<float>(max ? acc : acc / (count_include_pad ? padded_count : count));
      }
  return y;
}

// y = x W^T + b with x [N, K], W [O, K].
inline std::vector<float> RefLinear(const std::vector<float>& x, int64_t N, int64_t K,
                                    const std::vector<float>& w, int64_t O,
                                    const std::vector<float>& b) {
  std::vector<float> y(N * O);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o) {
      double acc = b.empty() ? 0.0 : b[o];
      for (int64_t k = 0; k < K; ++k) acc += static_cast<double>(x[n * K + k]) * w[o * K + k];
      y[n * O + o] = static_cast<float>(acc);
    }
  return y;
}

// Inference BatchNorm along axis 1 of [N, C, rest].
inline std::vector<float> RefBatchNorm(const std::vector<float>& x, int64_t N, int64_t C,
                                       int64_t rest, const std::vector<float>& scale,
                                       const std::vector<float>& bias,
                                       const std::vector<float>& mean,
                                       const std::vector<float>& var, float eps) {
  std::vector<float> y(x.size());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < rest; ++i) {
        const size_t at = (n * C + c) * rest + i;
        y[at] = static_cast<float>((x[at] - mean[c]) / std::sqrt(double(var[c]) + eps) * scale[c] +
                                   bias[c]);
      }
  return y;
}

inline std::vector<float> Relu(std::vector<float> x) {
  for (float& v : x) v = std::max(v, 0.f);
  return x;
}

// Softmax over the last axis of [rows, cols].
inline std::vector<float> RefSoftmax(const std::vector<float>& x, int64_t rows, int64_t cols,
                                     bool log = false) {
  std::vector<float> y(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    double mx = -std::numeric_limits<double>::infinity(), sum = 0;
    for (int64_t c = 0; c < cols; ++c) mx = std::max(mx, double(x[r * cols + c]));
    for (int64_t c = 0; c < cols; ++c) sum += std::exp(x[r * cols + c] - mx);
    for (int64_t c = 0; c < cols; ++c) {
      const double v = x[r * cols + c] - mx;
      y[r * cols + c] = static_cast<float>(log ? v - std::log(sum) : std::exp(v) / sum);
    }
  }
  return y;
}

// numpy transpose of a row-major tensor.
inline std::vector<float> RefTranspose(const std::vector<float>& x,
                                       const std::vector<int64_t>& shape,
                                       const std::vector<int64_t>& perm) {
  const size_t rank = shape.size();
  std::vector<int64_t> strides(rank, 1), out_shape(rank);
  for (int i = static_cast<int>(rank) - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  for (size_t i = 0; i < rank; ++i) out_shape[i] = shape[perm[i]];
  std::vector<float> y(x.size());
  std::vector<int64_t> idx(rank, 0);
  for (size_t n = 0; n < y.size(); ++n) {
    int64_t off = 0;
    for (size_t a = 0; a < rank; ++a) off += idx[a] * strides[perm[a]];
    y[n] = x[off];
    for (int a = static_cast<int>(rank) - 1; a >= 0; --a) {
      if (++idx[a] < out_shape[a]) break;
      idx[a] = 0;
    }
  }
  return y;
}

}  // namespace frost::testing
