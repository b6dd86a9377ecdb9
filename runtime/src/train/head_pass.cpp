// Forward and backward of one mini-batch through the head; see head_pass.hpp.
#include "train/head_pass.hpp"

#include "train/layers.hpp"
#include "train/loss.hpp"

namespace frost::train {

HeadPass::HeadPass(const HeadShape& shape, size_t max_batch, float dropout)
    : shape_(shape), max_batch_(max_batch), dropout_(dropout) {
  size_t d = size_t(shape.inputs), h = size_t(shape.hidden), k = size_t(shape.classes);
  bool drop = dropout > 0;
  size_t per_sample = d * (drop ? 2 : 1) + h * (drop ? 3 : 2) + 4 * k;
  memory_.assign(per_sample * max_batch, 0.0f);
  float* next = memory_.data();
  auto take = [&](size_t n) {
    float* p = next;
    next += n * max_batch;
    return p;
  };
  x_ = take(d);
  if (drop) x_mask_ = take(d);
  if (h > 0) {
    h_ = take(h);
    dh_ = take(h);
    if (drop) h_mask_ = take(h);
  }
  logits_ = take(k);
  logp_ = take(k);
  probs_ = take(k);
  dlogits_ = take(k);
}

void HeadPass::DrawMasks(Rng* rng, size_t batch) {
  if (dropout_ <= 0) return;
  float keep_scale = 1.0f / (1.0f - dropout_);
  Rng local = *rng;  // a local copy keeps the generator state in registers
  auto fill = [&](float* mask, size_t n) {
    // Branch-free: a random 20 % branch would be mispredicted all the time.
    for (size_t i = 0; i < n; ++i) mask[i] = float(local.Uniform() >= dropout_) * keep_scale;
  };
  fill(x_mask_, batch * size_t(shape_.inputs));
  if (h_mask_) fill(h_mask_, batch * size_t(shape_.hidden));
  *rng = local;
}

namespace {

float LossForward(float* logp, float* probs, const float* logits, size_t batch, size_t classes,
                  const int* labels, const LossSettings& loss, size_t* correct) {
  LossArgs<float> args{batch, classes, labels, loss.class_weights};
  return loss.kind == LossKind::kFocal
             ? FocalForward(logp, probs, logits, args, loss.focal_gamma, correct)
             : CrossEntropyForward(logp, probs, logits, args, loss.label_smoothing, correct);
}

}  // namespace

float LossOfLogits(float* scratch, const float* logits, size_t batch, size_t classes,
                   const int* labels, const LossSettings& loss, size_t* correct) {
  return LossForward(scratch, scratch + batch * classes, logits, batch, classes, labels, loss,
                     correct);
}

float HeadPass::Forward(const Head& head, size_t batch, const int* labels, const LossSettings& loss,
                        size_t* correct) {
  size_t d = size_t(shape_.inputs), h = size_t(shape_.hidden), k = size_t(shape_.classes);
  if (x_mask_) DropoutForward(x_, x_mask_, batch * d);
  if (h == 0) {
    LinearForward(logits_, x_, head.weight(0), head.bias(0), batch, d, k);
  } else {
    LinearForward(h_, x_, head.weight(0), head.bias(0), batch, d, h);
    ReluForward(h_, batch * h);
    if (h_mask_) DropoutForward(h_, h_mask_, batch * h);
    LinearForward(logits_, h_, head.weight(1), head.bias(1), batch, h, k);
  }
  return LossForward(logp_, probs_, logits_, batch, k, labels, loss, correct);
}

void HeadPass::Backward(const Head& head, float* grads, size_t batch, const int* labels,
                        const LossSettings& loss) {
  size_t d = size_t(shape_.inputs), h = size_t(shape_.hidden), k = size_t(shape_.classes);
  LossArgs<float> args{batch, k, labels, loss.class_weights};
  if (loss.kind == LossKind::kFocal) {
    FocalBackward(dlogits_, logp_, probs_, args, loss.focal_gamma);
  } else {
    CrossEntropyBackward(dlogits_, probs_, args, loss.label_smoothing);
  }
  // Gradients share the parameters' layout, so the head's offsets locate them.
  auto grad_of = [&](const float* param) { return grads + (param - head.params()); };
  float* no_feature_grad = nullptr;  // the backbone is frozen
  if (h == 0) {
    LinearBackward(no_feature_grad, grad_of(head.weight(0)), grad_of(head.bias(0)), dlogits_, x_,
                   head.weight(0), batch, d, k);
    return;
  }
  LinearBackward(dh_, grad_of(head.weight(1)), grad_of(head.bias(1)), dlogits_, h_, head.weight(1),
                 batch, h, k);
  if (h_mask_) DropoutBackward(dh_, h_mask_, batch * h);
  ReluBackward(dh_, h_, batch * h);
  LinearBackward(no_feature_grad, grad_of(head.weight(0)), grad_of(head.bias(0)), dh_, x_,
                 head.weight(0), batch, d, h);
}

}  // namespace frost::train
