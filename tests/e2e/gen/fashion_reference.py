"""Reference outputs for the embedded Fashion-MNIST backbones (models/fashion_*.onnx).

Reads the t10k images of the five pretraining classes from Debian's dataset-fashion-mnist,
applies the preprocessing recorded in models/fashion_backbones.json, evaluates each ONNX
file with the independent PyTorch-backed ONNX evaluator and writes into OUT_DIR:
  input.npy               float32 [N, 3, 28, 28], the preprocessed images (N = 5000)
  labels.npy              int64 [N], 0..4 in the order of models/fashion_labels.txt
  <model>.logits.npy      float32 [N, 5]
  summary.json            top-1 of each model on these images; it must match (within
                          0.1 points) the accuracy the training script recorded
Usage: /usr/bin/python3 fashion_reference.py REPO_DIR OUT_DIR
"""
import gzip
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_reference  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path, magic, ndim):
    with gzip.open(path, "rb") as f:
        data = f.read()
    header = np.frombuffer(data, dtype=">u4", count=1 + ndim)
    if header[0] != magic:
        raise ValueError("%s: IDX magic %d, expected %d" % (path, header[0], magic))
    return np.frombuffer(data, dtype=np.uint8, offset=4 * (1 + ndim)).reshape(
        tuple(int(d) for d in header[1:]))


def main():
    repo, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(os.cpu_count())
    with open(os.path.join(repo, "models", "fashion_backbones.json")) as f:
        facts = json.load(f)
    prep = facts["preprocessing"]
    images = read_idx(os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz"), 2051, 3)
    labels = read_idx(os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz"), 2049, 1)
    keep = labels < 5  # the pretraining classes are 0..4, in label order
    v = images[keep].astype(np.float32) * np.float32(prep["scale"])
    x = np.stack([(v - np.float32(m)) / np.float32(s) for m, s in zip(prep["mean"], prep["std"])],
                 axis=1)
    y = labels[keep].astype(np.int64)
    np.save(os.path.join(out, "input.npy"), x)
    np.save(os.path.join(out, "labels.npy"), y)

    summary = {}
    for key, model in sorted(facts["models"].items()):
        path = os.path.join(repo, "models", model["file"])
        logits = onnx_reference.run(path, {"input": x})["logits"].astype(np.float32)
        np.save(os.path.join(out, "fashion_%s.logits.npy" % key), logits)
        acc = round(100.0 * float((logits.argmax(1) == y).mean()), 2)
        summary["fashion_" + key] = {"top1_percent": acc, "images": int(len(y))}
        print("fashion_%s: top-1 %.2f %% on %d images (trained: %.2f %%)" % (
            key, acc, len(y), model["test_accuracy_percent"]))
        # Folding BatchNorm changes the last bits; 0.1 points = 5 of 5,000 images may flip.
        if abs(acc - model["test_accuracy_percent"]) > 0.1:
            print("error: %s disagrees with the accuracy recorded in fashion_backbones.json"
                  % path, file=sys.stderr)
            return 1
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
