// Antialiased bilinear resampling: the algorithm of PIL's ImagingResample with the
// BILINEAR filter (Resample.c, precompute_coeffs), in float. Each output pixel is a
// normalised triangle-weighted sum of input pixels; when shrinking by a factor s the
// triangle is s times wider, so every input pixel contributes (no aliasing).
#include <algorithm>
#include <cmath>

#include "frost/io/image.hpp"

namespace frost::io {
namespace {

// For each output index: the first input index and the weights of the inputs it reads.
struct Taps {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // max_count per output index
  int max_count = 0;
};

double Triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

Taps ComputeTaps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;  // the triangle's radius, widened when shrinking
  Taps taps;
  taps.max_count = static_cast<int>(std::ceil(support)) * 2 + 1;
  taps.first.resize(out_size);
  taps.count.resize(out_size);
  taps.weights.assign(static_cast<size_t>(out_size) * taps.max_count, 0.0f);
  std::vector<double> scratch(taps.max_count);
  for (int out = 0; out < out_size; ++out) {
    const double center = (out + 0.5) * scale;
    // Truncation toward zero, as PIL's (int) casts do.
    const int first = std::max(static_cast<int>(center - support + 0.5), 0);
    const int last = std::min(static_cast<int>(center + support + 0.5), in_size);
    const int count = std::min(last - first, taps.max_count);
    double total = 0;
    for (int i = 0; i < count; ++i) {
      scratch[i] = Triangle((first + i - center + 0.5) / filter_scale);
      total += scratch[i];
    }
    taps.first[out] = first;
    taps.count[out] = count;
    for (int i = 0; i < count; ++i) {
      taps.weights[static_cast<size_t>(out) * taps.max_count + i] =
          static_cast<float>(total != 0 ? scratch[i] / total : 0.0);
    }
  }
  return taps;
}

}  // namespace

FloatImage ResizeBilinear(const Image& in, int out_width, int out_height, int x0, int y0,
                          int window_width, int window_height) {
  const int channels = in.channels;
  FloatImage out;
  out.width = window_width;
  out.height = window_height;
  out.channels = channels;
  out.pixels.resize(static_cast<size_t>(window_width) * window_height * channels);

  if (out_width == in.width && out_height == in.height) {  // nothing to resample: crop only
    for (int y = 0; y < window_height; ++y) {
      const uint8_t* src = &in.pixels[(static_cast<size_t>(y0 + y) * in.width + x0) * channels];
      float* dst = &out.pixels[static_cast<size_t>(y) * window_width * channels];
      for (int i = 0; i < window_width * channels; ++i) dst[i] = src[i];
    }
    return out;
  }

  const Taps xs = ComputeTaps(in.width, out_width);
  const Taps ys = ComputeTaps(in.height, out_height);
  // Horizontal pass over only the input rows the window's vertical taps read.
  const int row_begin = ys.first[y0];
  int row_end = row_begin;
  for (int y = y0; y < y0 + window_height; ++y)
    row_end = std::max(row_end, ys.first[y] + ys.count[y]);
  const size_t row_floats = static_cast<size_t>(window_width) * channels;
  std::vector<float> rows(static_cast<size_t>(row_end - row_begin) * row_floats, 0.0f);
  for (int r = row_begin; r < row_end; ++r) {
    const uint8_t* src = &in.pixels[static_cast<size_t>(r) * in.width * channels];
    float* dst = &rows[static_cast<size_t>(r - row_begin) * row_floats];
    for (int x = 0; x < window_width; ++x) {
      const int ox = x0 + x;
      const float* w = &xs.weights[static_cast<size_t>(ox) * xs.max_count];
      const uint8_t* s = src + static_cast<size_t>(xs.first[ox]) * channels;
      for (int c = 0; c < channels; ++c) {
        float sum = 0;
        for (int i = 0; i < xs.count[ox]; ++i) sum += w[i] * s[i * channels + c];
        dst[x * channels + c] = sum;
      }
    }
  }
  // Vertical pass.
  for (int y = 0; y < window_height; ++y) {
    const int oy = y0 + y;
    const float* w = &ys.weights[static_cast<size_t>(oy) * ys.max_count];
    float* dst = &out.pixels[static_cast<size_t>(y) * row_floats];
    for (int i = 0; i < ys.count[oy]; ++i) {
      const float* src = &rows[static_cast<size_t>(ys.first[oy] + i - row_begin) * row_floats];
      for (size_t k = 0; k < row_floats; ++k) dst[k] += w[i] * src[k];
    }
  }
  return out;
}

}  // namespace frost::io
