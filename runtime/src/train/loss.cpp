// Softmax cross-entropy (label smoothing, class weights) and focal loss; see loss.hpp.
#include "train/loss.hpp"

#include <cmath>

namespace frost::train {
namespace {

template <typename T>
T WeightOf(const LossArgs<T>& args, int label) {
  return args.class_weights ? args.class_weights[label] : T(1);
}

template <typename T>
T TargetWeightSum(const LossArgs<T>& args) {
  T sum = 0;
  for (size_t b = 0; b < args.batch; ++b) sum += WeightOf(args, args.labels[b]);
  return sum;
}

// 1 - p for a probability p near 1 loses digits; the sum of the other classes'
// probabilities does not.
template <typename T>
T OneMinusTarget(const T* probs_row, size_t classes, int label) {
  T rest = 0;
  for (size_t c = 0; c < classes; ++c) {
    if (int(c) != label) rest += probs_row[c];
  }
  return rest;
}

}  // namespace

template <typename T>
size_t Softmax(T* logp, T* probs, const T* logits, size_t batch, size_t classes,
               const int* labels) {
  size_t correct = 0;
  for (size_t b = 0; b < batch; ++b) {
    const T* z = logits + b * classes;
    T* lp = logp + b * classes;
    T* p = probs + b * classes;
    size_t argmax = 0;
    for (size_t c = 1; c < classes; ++c) {
      if (z[c] > z[argmax]) argmax = c;
    }
    T max = z[argmax], sum = 0;
    for (size_t c = 0; c < classes; ++c) {
      p[c] = std::exp(z[c] - max);
      sum += p[c];
    }
    T log_sum = std::log(sum), inverse = T(1) / sum;
    for (size_t c = 0; c < classes; ++c) {
      lp[c] = z[c] - max - log_sum;
      p[c] *= inverse;
    }
    if (labels && int(argmax) == labels[b]) ++correct;
  }
  return correct;
}

template <typename T>
T CrossEntropyForward(T* logp, T* probs, const T* logits, const LossArgs<T>& args,
                      T label_smoothing, size_t* correct) {
  size_t hits = Softmax(logp, probs, logits, args.batch, args.classes, args.labels);
  if (correct) *correct = hits;
  T nll = 0, smooth = 0;
  for (size_t b = 0; b < args.batch; ++b) {
    const T* row = logp + b * args.classes;
    int y = args.labels[b];
    nll -= WeightOf(args, y) * row[y];
    if (label_smoothing != T(0)) {
      for (size_t c = 0; c < args.classes; ++c) smooth -= WeightOf(args, int(c)) * row[c];
    }
  }
  T denominator = TargetWeightSum(args);
  return ((T(1) - label_smoothing) * nll + label_smoothing / T(args.classes) * smooth) /
         denominator;
}

template <typename T>
void CrossEntropyBackward(T* dlogits, const T* probs, const LossArgs<T>& args, T label_smoothing) {
  // d(-log p_c)/dz = p - onehot(c); summed with the loss's weights:
  // dz = [(1-s) w_y (p - e_y) + s/K (W p - w)] / sum_b w[y_b], W = sum_c w_c.
  T scale = T(1) / TargetWeightSum(args);
  T spread = label_smoothing / T(args.classes);
  T total_weight = 0;
  for (size_t c = 0; c < args.classes; ++c) total_weight += WeightOf(args, int(c));
  for (size_t b = 0; b < args.batch; ++b) {
    const T* p = probs + b * args.classes;
    T* d = dlogits + b * args.classes;
    int y = args.labels[b];
    T wy = (T(1) - label_smoothing) * WeightOf(args, y);
    T wp = wy + spread * total_weight;  // coefficient of p_c
    for (size_t c = 0; c < args.classes; ++c) {
      d[c] = (wp * p[c] - spread * WeightOf(args, int(c))) * scale;
    }
    d[y] -= wy * scale;
  }
}

template <typename T>
T FocalForward(T* logp, T* probs, const T* logits, const LossArgs<T>& args, T gamma,
               size_t* correct) {
  size_t hits = Softmax(logp, probs, logits, args.batch, args.classes, args.labels);
  if (correct) *correct = hits;
  T sum = 0;
  for (size_t b = 0; b < args.batch; ++b) {
    const T* row = logp + b * args.classes;
    int y = args.labels[b];
    T q = OneMinusTarget(probs + b * args.classes, args.classes, y);
    sum -= WeightOf(args, y) * std::pow(q, gamma) * row[y];
  }
  return sum / TargetWeightSum(args);
}

template <typename T>
void FocalBackward(T* dlogits, const T* logp, const T* probs, const LossArgs<T>& args, T gamma) {
  // f = -q^g log p_t with q = 1 - p_t; dp_t/dz_c = p_t (e_y - p)_c, so
  // df/dz_c = (e_y - p)_c * [g p_t q^(g-1) log p_t - q^g]. q^(g-1) log p_t is written as
  // q^g * (log p_t / q), which stays finite as q -> 0 (log p_t / q -> -1).
  T scale = T(1) / TargetWeightSum(args);
  for (size_t b = 0; b < args.batch; ++b) {
    const T* row = logp + b * args.classes;
    const T* p = probs + b * args.classes;
    T* d = dlogits + b * args.classes;
    int y = args.labels[b];
    T q = OneMinusTarget(p, args.classes, y);
    T pt = p[y];
    T qg = std::pow(q, gamma);
    T log_over_q = q > T(0) ? row[y] / q : T(-1);
    T factor = WeightOf(args, y) * scale * (gamma * pt * qg * log_over_q - qg);
    for (size_t c = 0; c < args.classes; ++c) d[c] = -factor * p[c];
    d[y] += factor;
  }
}

#define FROST_INSTANTIATE_LOSSES(T)                                                    \
  template size_t Softmax<T>(T*, T*, const T*, size_t, size_t, const int*);            \
  template T CrossEntropyForward<T>(T*, T*, const T*, const LossArgs<T>&, T, size_t*); \
  template void CrossEntropyBackward<T>(T*, const T*, const LossArgs<T>&, T);          \
  template T FocalForward<T>(T*, T*, const T*, const LossArgs<T>&, T, size_t*);        \
  template void FocalBackward<T>(T*, const T*, const T*, const LossArgs<T>&, T);
FROST_INSTANTIATE_LOSSES(float)
FROST_INSTANTIATE_LOSSES(double)
#undef FROST_INSTANTIATE_LOSSES

}  // namespace frost::train
