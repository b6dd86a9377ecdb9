// The float linear layer as explicit 8-lane vector kernels (GCC/Clang vector extensions:
// one AVX instruction per operation in the AVX2 clone, two SSE ones in the baseline).
//
// On x86-64 each kernel is compiled twice, for AVX2 and for the baseline, and picked when
// the library loads (target_clones / ifunc). Neither clone enables FMA, and lanes are
// independent, so both give the same bits. Elsewhere the plain loops run.
#include <cstring>

#include "train/layers.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define FROST_VECTOR_KERNELS 1
// The helpers taking and returning vectors are always inlined, so the ABI of passing AVX
// vectors without AVX (what -Wpsabi warns about) never applies.
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace frost::train {

#ifdef FROST_VECTOR_KERNELS

#if defined(__x86_64__) && !defined(FROST_NO_TARGET_CLONES)
#define FROST_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define FROST_CLONES
#endif
// Helpers must inline into each clone to be compiled for its instruction set.
#define FROST_INLINE inline __attribute__((always_inline))

namespace {

typedef float F8 __attribute__((vector_size(32)));
constexpr size_t kLanes = 8;

FROST_INLINE F8 Load(const float* p) {
  F8 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
FROST_INLINE void Store(float* p, F8 v) { std::memcpy(p, &v, sizeof(v)); }
FROST_INLINE F8 Splat(float x) { return F8{x, x, x, x, x, x, x, x}; }
// The lanes summed in a fixed tree.
FROST_INLINE float Sum(F8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// Four dot products of x with rows w0..w3 (4 independent chains hide the add latency and
// x is loaded once): 8 lane sums, a fixed tree, then the n % 8 tail in order.
FROST_INLINE void Dot4(float* out, const float* x, const float* w0, const float* w1,
                       const float* w2, const float* w3, size_t n) {
  F8 a0 = {}, a1 = {}, a2 = {}, a3 = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    F8 xv = Load(x + i);
    a0 += xv * Load(w0 + i);
    a1 += xv * Load(w1 + i);
    a2 += xv * Load(w2 + i);
    a3 += xv * Load(w3 + i);
  }
  float s0 = Sum(a0), s1 = Sum(a1), s2 = Sum(a2), s3 = Sum(a3);
  for (; i < n; ++i) {
    s0 += x[i] * w0[i];
    s1 += x[i] * w1[i];
    s2 += x[i] * w2[i];
    s3 += x[i] * w3[i];
  }
  out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;
}

// One dot product, rounded exactly as each of Dot4's.
FROST_INLINE float Dot1(const float* x, const float* w, size_t n) {
  F8 a = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) a += Load(x + i) * Load(w + i);
  float s = Sum(a);
  for (; i < n; ++i) s += x[i] * w[i];
  return s;
}

// Columns [begin, begin + 8 * kVectors) of the weight gradient row `dw`, summed over the
// batch in registers: dw[i] += sum_b dy_b x_b[i], added in sample order like the plain loop.
template <size_t kVectors>
FROST_INLINE void AccumulateRow(float* dw, const float* dout, size_t stride_out, const float* in,
                                size_t stride_in, size_t batch) {
  F8 acc[kVectors];
  for (size_t k = 0; k < kVectors; ++k) acc[k] = Load(dw + k * kLanes);
  for (size_t b = 0; b < batch; ++b) {
    F8 dy = Splat(dout[b * stride_out]);
    const float* x = in + b * stride_in;
    for (size_t k = 0; k < kVectors; ++k) acc[k] += dy * Load(x + k * kLanes);
  }
  for (size_t k = 0; k < kVectors; ++k) Store(dw + k * kLanes, acc[k]);
}

}  // namespace

FROST_CLONES void LinearForward(float* out, const float* in, const float* weight, const float* bias,
                                size_t batch, size_t in_features, size_t out_features) {
  const size_t n = in_features;
  for (size_t b = 0; b < batch; ++b) {
    const float* x = in + b * n;
    float* y = out + b * out_features;
    size_t o = 0;
    for (; o + 4 <= out_features; o += 4) {
      const float* w = weight + o * n;
      Dot4(y + o, x, w, w + n, w + 2 * n, w + 3 * n, n);
    }
    for (; o < out_features; ++o) y[o] = Dot1(x, weight + o * n, n);
    for (o = 0; o < out_features; ++o) y[o] += bias[o];
  }
}

FROST_CLONES void LinearBackward(float* din, float* dweight, float* dbias, const float* dout,
                                 const float* in, const float* weight, size_t batch,
                                 size_t in_features, size_t out_features) {
  const size_t n = in_features;
  for (size_t o = 0; o < out_features; ++o) {
    float db = dbias[o];
    for (size_t b = 0; b < batch; ++b) db += dout[b * out_features + o];
    dbias[o] = db;
    float* dw = dweight + o * n;
    size_t i = 0;
    for (; i + 8 * kLanes <= n; i += 8 * kLanes) {
      AccumulateRow<8>(dw + i, dout + o, out_features, in + i, n, batch);
    }
    for (; i + kLanes <= n; i += kLanes) {
      AccumulateRow<1>(dw + i, dout + o, out_features, in + i, n, batch);
    }
    for (; i < n; ++i) {
      float acc = dw[i];
      for (size_t b = 0; b < batch; ++b) acc += dout[b * out_features + o] * in[b * n + i];
      dw[i] = acc;
    }
  }
  if (!din) return;
  for (size_t b = 0; b < batch; ++b) {
    const float* dy = dout + b * out_features;
    float* dx = din + b * n;
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      F8 acc = {};
      for (size_t o = 0; o < out_features; ++o) acc += Splat(dy[o]) * Load(weight + o * n + i);
      Store(dx + i, acc);
    }
    for (; i < n; ++i) {
      float acc = 0;
      for (size_t o = 0; o < out_features; ++o) acc += dy[o] * weight[o * n + i];
      dx[i] = acc;
    }
  }
}

#else  // no vector extensions: the plain loops

void LinearForward(float* out, const float* in, const float* weight, const float* bias,
                   size_t batch, size_t in_features, size_t out_features) {
  LinearForwardPlain(out, in, weight, bias, batch, in_features, out_features);
}
void LinearBackward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                    const float* weight, size_t batch, size_t in_features, size_t out_features) {
  LinearBackwardPlain(din, dweight, dbias, dout, in, weight, batch, in_features, out_features);
}

#endif

}  // namespace frost::train
