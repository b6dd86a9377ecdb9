// Plain linear (the reference), ReLU and dropout forward/backward; see layers.hpp.
#include "train/layers.hpp"

namespace frost::train {

template <typename T>
void LinearForwardPlain(T* out, const T* in, const T* weight, const T* bias, size_t batch,
                        size_t in_features, size_t out_features) {
  for (size_t b = 0; b < batch; ++b) {
    for (size_t o = 0; o < out_features; ++o) {
      T sum = 0;
      for (size_t i = 0; i < in_features; ++i) {
        sum += in[b * in_features + i] * weight[o * in_features + i];
      }
      out[b * out_features + o] = bias[o] + sum;
    }
  }
}

template <typename T>
void LinearBackwardPlain(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight,
                         size_t batch, size_t in_features, size_t out_features) {
  for (size_t o = 0; o < out_features; ++o) {
    for (size_t b = 0; b < batch; ++b) {
      T dy = dout[b * out_features + o];
      dbias[o] += dy;
      for (size_t i = 0; i < in_features; ++i) {
        dweight[o * in_features + i] += dy * in[b * in_features + i];
      }
    }
  }
  if (!din) return;
  for (size_t b = 0; b < batch; ++b) {
    for (size_t i = 0; i < in_features; ++i) {
      T sum = 0;
      for (size_t o = 0; o < out_features; ++o) {
        sum += dout[b * out_features + o] * weight[o * in_features + i];
      }
      din[b * in_features + i] = sum;
    }
  }
}

template <typename T>
void ReluForward(T* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = x[i] > T(0) ? x[i] : T(0);
}

template <typename T>
void ReluBackward(T* grad, const T* y, size_t n) {
  for (size_t i = 0; i < n; ++i) grad[i] = y[i] > T(0) ? grad[i] : T(0);
}

template <typename T>
void DropoutForward(T* x, const T* mask, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] *= mask[i];
}

template <typename T>
void DropoutBackward(T* grad, const T* mask, size_t n) {
  for (size_t i = 0; i < n; ++i) grad[i] *= mask[i];
}

#define FROST_INSTANTIATE_LAYERS(T)                                                              \
  template void LinearForwardPlain<T>(T*, const T*, const T*, const T*, size_t, size_t, size_t); \
  template void LinearBackwardPlain<T>(T*, T*, T*, const T*, const T*, const T*, size_t, size_t, \
                                       size_t);                                                  \
  template void ReluForward<T>(T*, size_t);                                                      \
  template void ReluBackward<T>(T*, const T*, size_t);                                           \
  template void DropoutForward<T>(T*, const T*, size_t);                                         \
  template void DropoutBackward<T>(T*, const T*, size_t);
FROST_INSTANTIATE_LAYERS(float)
FROST_INSTANTIATE_LAYERS(double)
#undef FROST_INSTANTIATE_LAYERS

}  // namespace frost::train
