#!/usr/bin/python3
"""Make fashion_pixels.onnx, the "raw pixels" backbone for frost's fine-tuning demo.

A backbone that does nothing: Flatten -> Linear(784, 5). frost takes the input of the last
fully connected layer as the feature tensor, so the frozen "features" are the 784
normalised pixels (tensor /Flatten_output_0), and a head fine-tuned on it is a linear
classifier on raw pixels: the baseline the pretrained backbones' features must beat.

So that the file is a working classifier like the other two backbones, the Linear layer is
a softmax regression on the same pretraining classes 0..4 (T-shirt/top, Trouser, Pullover,
Dress, Coat; labels in models/fashion_labels.txt), fitted with full-batch L-BFGS from a
seeded initialisation on one thread, so a rerun writes the same weights.

Input "input" [batch, 1, 28, 28] float (the grey image, one channel), output "logits"
[batch, 5], opset 13, batch axis dynamic (named "batch"), as the backbones. Preprocessing:
pixel * (1/255), then (v - 0.2860) / 0.3530: the mean and std of all 60,000 Fashion-MNIST
training images' pixels, rounded (the weights were fitted with the rounded values).

Usage: /usr/bin/python3 models/make_pixel_model.py [--out DIR]   (writes DIR/fashion_pixels.onnx)
"""

import argparse
import hashlib
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_fashion_backbones as fb  # noqa: E402  (data loading, class lists, seed, export)

# Mean and std of the pixels of all 60,000 training images (all ten classes) scaled to
# [0, 1]: 0.28604, 0.35302 measured, rounded to what is passed to `frost convert`.
PREPROCESSING = {"scale": 1.0 / 255.0, "mean": [0.2860], "std": [0.3530]}
L2 = 1e-3  # on the weights, as train_fashion_backbones.linear_probe
LBFGS_ITERATIONS = 100


class FashionPixels(nn.Module):
    """Flatten -> Linear(784, 5): the Linear's input is the image itself."""

    def __init__(self, num_classes=5):
        super().__init__()
        self.fc = nn.Linear(28 * 28, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


def to_input(images):
    """uint8 [N, 28, 28] -> float [N, 1, 28, 28], preprocessed as frost will."""
    x = torch.from_numpy(images.astype(np.float32) * PREPROCESSING["scale"])
    return ((x - PREPROCESSING["mean"][0]) / PREPROCESSING["std"][0]).unsqueeze(1)


def fit(model, x, y):
    opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=LBFGS_ITERATIONS,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y) + L2 * model.fc.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    torch.set_num_threads(1)  # one thread: the same sums in the same order on every rerun
    torch.use_deterministic_algorithms(True)

    train_images, train_labels = fb.load_split("train", fb.PRETRAIN_CLASSES)
    test_images, test_labels = fb.load_split("t10k", fb.PRETRAIN_CLASSES)
    torch.manual_seed(fb.SEED)
    model = FashionPixels()
    fit(model, to_input(train_images), torch.from_numpy(train_labels))
    model.eval()
    with torch.no_grad():
        pred = model(to_input(test_images)).argmax(1).numpy()
    print("softmax regression on pixels, classes %s: top-1 %.2f %% on %d t10k images" % (
        [fb.CLASS_NAMES[c] for c in fb.PRETRAIN_CLASSES], 100 * np.mean(pred == test_labels),
        len(test_labels)))

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "fashion_pixels.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path + ".tmp", opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    os.replace(path + ".tmp", path)
    with open(path, "rb") as f:
        data = f.read()
    print("wrote %s: %d bytes, sha256 %s, feature tensor %s (784 values)" % (
        path, len(data), hashlib.sha256(data).hexdigest(), fb.feature_tensor_name(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
