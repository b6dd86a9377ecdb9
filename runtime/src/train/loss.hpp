// Classification losses over a batch of logits, forward and backward.
//
// Both reduce as torch does with class weights w (all 1 when `class_weights` is null):
//   loss = sum_b w[y_b] * l_b / sum_b w[y_b]
// Cross-entropy with label smoothing s over K classes (torch CrossEntropyLoss):
//   l_b = (1 - s) * -log p[b, y_b] + s / K * sum_c (w[c] / w[y_b]) * -log p[b, c]
// i.e. the smoothing term is weighted per class and divided by the same sum of target
// weights. Focal (Lin et al. 2017, class weights as alpha):
//   l_b = -(1 - p[b, y_b])^gamma * log p[b, y_b]
// Forward stores what backward needs, each batch x classes: the log-probabilities
// (numerically stable log-softmax: logits minus their max minus log of the sum of exps)
// and the probabilities (the same exps divided by their sum).
#pragma once

#include <cstddef>

namespace frost::train {

template <typename T>
struct LossArgs {
  size_t batch = 0;
  size_t classes = 0;
  const int* labels = nullptr;
  const T* class_weights = nullptr;  // null = unweighted
};

// Returns the batch loss; writes logp and probs. `correct` (optional) counts argmax hits.
template <typename T>
T CrossEntropyForward(T* logp, T* probs, const T* logits, const LossArgs<T>& args,
                      T label_smoothing, size_t* correct = nullptr);
// dlogits = d loss / d logits.
template <typename T>
void CrossEntropyBackward(T* dlogits, const T* probs, const LossArgs<T>& args, T label_smoothing);

template <typename T>
T FocalForward(T* logp, T* probs, const T* logits, const LossArgs<T>& args, T gamma,
               size_t* correct = nullptr);
template <typename T>
void FocalBackward(T* dlogits, const T* logp, const T* probs, const LossArgs<T>& args, T gamma);

// log-softmax and softmax of each row; returns the number of rows whose argmax (first
// maximum) is the label (labels may be null: returns 0).
template <typename T>
size_t Softmax(T* logp, T* probs, const T* logits, size_t batch, size_t classes, const int* labels);

}  // namespace frost::train
