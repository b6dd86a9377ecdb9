"""Reference outputs for the CIFAR-10 asset models (frost's e2e test compares with them).

Decodes ../shared/assets/cifar10-test with PIL, evaluates every model in
../shared/assets/models with the independent PyTorch-backed ONNX evaluator, and writes
  OUT/pixels.npy          uint8 [10000, 32, 32, 3] (RGB, as decoded by PIL)
  OUT/labels.npy          int64 [10000]
  OUT/<model>.logits.npy  float32 [10000, 10]
  OUT/summary.json        top-1 accuracy of each model under this pipeline
Usage: /usr/bin/python3 cifar_reference.py ASSETS_DIR OUT_DIR
"""
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_reference  # noqa: E402

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)
# model -> preprocessing (see the assets README)
MODELS = {
    "cifar_resnet20": "imagenet", "cifar_resnet32": "imagenet", "cifar_resnet44": "imagenet",
    "cifar_resnet56": "imagenet", "cifar_resnet20_dynbatch_opset17": "imagenet",
    "mlperf_resnet8": "raw",
}


def main():
    assets, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    summary_path = os.path.join(out, "summary.json")
    here = os.path.dirname(os.path.abspath(__file__))
    newest_source = max(os.path.getmtime(os.path.join(here, f))
                        for f in ("cifar_reference.py", "onnx_reference.py"))
    if os.path.exists(summary_path) and os.path.getmtime(summary_path) > newest_source:
        print(f"references in {out} are up to date")
        return
    torch.set_num_threads(os.cpu_count())
    root = os.path.join(assets, "cifar10-test")
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    pixels, labels = [], []
    for c, name in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(root, name))):
            pixels.append(np.asarray(Image.open(os.path.join(root, name, f)).convert("RGB")))
            labels.append(c)
    pixels = np.stack(pixels)
    labels = np.array(labels, np.int64)
    np.save(os.path.join(out, "pixels.npy"), pixels)
    np.save(os.path.join(out, "labels.npy"), labels)
    inputs = {
        "imagenet": ((pixels.astype(np.float32) * np.float32(1 / 255.0) - MEAN) / STD),
        "raw": pixels.astype(np.float32),
    }
    summary = {}
    for model, prep in MODELS.items():
        start = time.time()
        x = np.ascontiguousarray(inputs[prep].transpose(0, 3, 1, 2))
        path = os.path.join(assets, "models", model + ".onnx")
        logits = []
        with torch.no_grad():
            for b in range(0, len(x), 500):
                outputs = onnx_reference.run(path, {"input": x[b:b + 500]})
                logits.append(next(iter(outputs.values())))
        logits = np.concatenate(logits).astype(np.float32)
        np.save(os.path.join(out, model + ".logits.npy"), logits)
        acc = float((logits.argmax(1) == labels).mean() * 100)
        summary[model] = {"top1": round(acc, 2), "seconds": round(time.time() - start, 1)}
        print(f"{model}: top-1 {acc:.2f} % ({time.time() - start:.1f} s)", flush=True)
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
