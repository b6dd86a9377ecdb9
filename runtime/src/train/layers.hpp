// The head's layers as plain forward/backward pairs over a batch (llm.c style).
//
// Row-major throughout: activations [batch, channels], weights [out, in] as torch stores
// them. Backward functions ACCUMULATE (+=) into parameter gradients and OVERWRITE (=) the
// input gradient, so a caller zeroes the parameter gradients once per step.
//
// Linear comes twice: LinearForwardPlain / LinearBackwardPlain are the plain loops (the
// reference, and the double-precision path of the finite-difference tests); the float
// LinearForward / LinearBackward used for training are explicit 8-lane vector kernels
// (linear_f32.cpp). The float backward kernels add in the plain loops' order, so they
// agree bit for bit; the forward kernel sums a dot product in 8 lanes, not sequentially.
#pragma once

#include <cstddef>

namespace frost::train {

// out[b, o] = bias[o] + sum_i in[b, i] * weight[o, i]
template <typename T>
void LinearForwardPlain(T* out, const T* in, const T* weight, const T* bias, size_t batch,
                        size_t in_features, size_t out_features);

// dweight += dout^T in, dbias += sum_b dout[b], din = dout weight (din may be null).
template <typename T>
void LinearBackwardPlain(T* din, T* dweight, T* dbias, const T* dout, const T* in, const T* weight,
                         size_t batch, size_t in_features, size_t out_features);

void LinearForward(float* out, const float* in, const float* weight, const float* bias,
                   size_t batch, size_t in_features, size_t out_features);
void LinearBackward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                    const float* weight, size_t batch, size_t in_features, size_t out_features);
inline void LinearForward(double* out, const double* in, const double* weight, const double* bias,
                          size_t batch, size_t in_features, size_t out_features) {
  LinearForwardPlain(out, in, weight, bias, batch, in_features, out_features);
}
inline void LinearBackward(double* din, double* dweight, double* dbias, const double* dout,
                           const double* in, const double* weight, size_t batch, size_t in_features,
                           size_t out_features) {
  LinearBackwardPlain(din, dweight, dbias, dout, in, weight, batch, in_features, out_features);
}

// The element-wise layers work in place: the head never needs their inputs again, and an
// in-place loop vectorises without aliasing checks (which fail for out == in and fall
// back to scalar code).
// x = max(x, 0)
template <typename T>
void ReluForward(T* x, size_t n);
// grad = grad where y > 0, else 0 (y = the ReLU output; the gradient at 0 is 0, as torch's).
template <typename T>
void ReluBackward(T* grad, const T* y, size_t n);

// x *= mask, where mask holds 0 (dropped) or 1/(1-p) (kept): inverted dropout. Backward is
// the same product on the gradient.
template <typename T>
void DropoutForward(T* x, const T* mask, size_t n);
template <typename T>
void DropoutBackward(T* grad, const T* mask, size_t n);

}  // namespace frost::train
