#!/usr/bin/python3
"""Pretrain frost's two embedded backbones on the first five Fashion-MNIST classes.

Trains a small ResNet and a small VGG (both with BatchNorm) with PyTorch on classes 0..4
(T-shirt/top, Trouser, Pullover, Dress, Coat) of Debian's dataset-fashion-mnist, evaluates
them on the t10k images of those classes, measures how well their features transfer to the
five held-out classes (Sandal, Shirt, Sneaker, Bag, Ankle boot) with a linear probe, and
writes into --out (default: the directory of this script):
  fashion_resnet.onnx, fashion_vgg.onnx  opset 13, input "input" [batch, 3, 28, 28],
                                         output "logits" [batch, 5], batch axis dynamic
  fashion_labels.txt                     the five class names, one per line, output order
  fashion_backbones.json                 architecture, parameters, timings, accuracies

Input: the 28x28 grey image replicated to 3 channels, so that any RGB image pipeline
feeds the model unchanged; preprocessing is pixel * (1/255), then (v - mean) / std with
the same mean and std on every channel (see PREPROCESSING).

Everything is seeded and single-process (torch.set_num_threads(2), a fixed data order,
deterministic algorithms), so a rerun on the same machine reproduces the same weights.

Usage: /usr/bin/python3 models/train_fashion_backbones.py [--out DIR] [--epochs N]
"""

import argparse
import gzip
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
PRETRAIN_CLASSES = [0, 1, 2, 3, 4]
HELD_OUT_CLASSES = [5, 6, 7, 8, 9]
# Mean and std of the pretraining images' pixels after scaling to [0, 1], rounded so that
# the numbers recorded in the .frost file are exactly the ones the network was trained with.
PREPROCESSING = {"scale": 1.0 / 255.0, "mean": [0.3139] * 3, "std": [0.3626] * 3}
SEED = 20240
THREADS = 2
BATCH = 128
EPOCHS = {"resnet": 6, "vgg": 5}


def read_idx(path, magic, ndim):
    """Reads one gzip-compressed IDX file (big-endian header, uint8 payload)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    header = np.frombuffer(data, dtype=">u4", count=1 + ndim)
    if header[0] != magic:
        raise ValueError("%s: IDX magic %d, expected %d" % (path, header[0], magic))
    shape = tuple(int(d) for d in header[1:])
    payload = np.frombuffer(data, dtype=np.uint8, offset=4 * (1 + ndim))
    if payload.size != int(np.prod(shape)):
        raise ValueError("%s: %d bytes of data for shape %s" % (path, payload.size, shape))
    return payload.reshape(shape)


def load_split(split, classes):
    """Images [N, 28, 28] uint8 and labels remapped to 0..len(classes)-1, in file order."""
    images = read_idx(os.path.join(DATA_DIR, split + "-images-idx3-ubyte.gz"), 2051, 3)
    labels = read_idx(os.path.join(DATA_DIR, split + "-labels-idx1-ubyte.gz"), 2049, 1)
    keep = np.isin(labels, classes)
    remap = np.full(10, -1, dtype=np.int64)
    remap[classes] = np.arange(len(classes))
    return images[keep], remap[labels[keep]]


def to_input(images):
    """uint8 [N, 28, 28] -> the float tensor [N, 3, 28, 28] the networks take."""
    x = torch.from_numpy(images.astype(np.float32) * PREPROCESSING["scale"])
    x = (x - PREPROCESSING["mean"][0]) / PREPROCESSING["std"][0]
    return x.unsqueeze(1).expand(-1, 3, -1, -1).contiguous()


class BasicBlock(nn.Module):
    """Two 3x3 conv-BN layers with a shortcut; a 1x1 conv-BN shortcut where the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class FashionResNet(nn.Module):
    """Stem, one basic block per stage at 28x28 / 14x14 / 7x7 / 4x4, GAP, Linear."""

    WIDTHS = [16, 32, 64, 128]

    def __init__(self, num_classes=5):
        super().__init__()
        w = self.WIDTHS
        self.stem = nn.Sequential(nn.Conv2d(3, w[0], 3, 1, 1, bias=False), nn.BatchNorm2d(w[0]),
                                  nn.ReLU(inplace=True))
        blocks, cin = [], w[0]
        for i, cout in enumerate(w):
            blocks.append(BasicBlock(cin, cout, 1 if i == 0 else 2))
            cin = cout
        self.stages = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)  # its input is the embedding frost records

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.stages(self.stem(x))), 1))


class FashionVGG(nn.Module):
    """VGG-style: pairs of conv-BN-ReLU then max-pool (28 -> 14 -> 7 -> 3), GAP, Linear."""

    CONFIG = [32, 32, "M", 64, 64, "M", 128, 128, "M"]

    def __init__(self, num_classes=5):
        super().__init__()
        layers, cin = [], 3
        for v in self.CONFIG:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(cin, v, 3, 1, 1, bias=False), nn.BatchNorm2d(v),
                           nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)  # its input is the embedding frost records

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def augment(x, generator):
    """Random horizontal flips and shifts of up to 2 pixels, per sample."""
    n = x.shape[0]
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    pad = F.pad(x, [2, 2, 2, 2], value=float(-PREPROCESSING["mean"][0] / PREPROCESSING["std"][0]))
    dx = torch.randint(0, 5, (n,), generator=generator)
    dy = torch.randint(0, 5, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(28)[None, :])  # [n, 28]
    cols = (dx[:, None] + torch.arange(28)[None, :])
    idx = torch.arange(n)[:, None, None]
    return pad.permute(0, 2, 3, 1)[idx, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def train(model, x, y, epochs, lr, generator, log):
    """SGD with Nesterov momentum, one warm-up epoch then cosine decay, weight decay 5e-4."""
    steps_per_epoch = (len(x) + BATCH - 1) // BATCH
    total = epochs * steps_per_epoch
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim == 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=lr, momentum=0.9, nesterov=True)

    def lr_at(step):
        if step < steps_per_epoch:
            return lr * (step + 1) / steps_per_epoch
        t = (step - steps_per_epoch) / max(1, total - steps_per_epoch)
        return lr * 0.5 * (1 + np.cos(np.pi * t))

    step = 0
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        loss_sum, correct = 0.0, 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for b in range(steps_per_epoch):
            idx = order[b * BATCH:(b + 1) * BATCH]
            xb, yb = augment(x[idx], generator), y[idx]
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += float(loss) * len(idx)
            correct += int((logits.argmax(1) == yb).sum())
        log("  epoch %d/%d: loss %.4f, train acc %.2f %%, %.0f s (%.0f s CPU)" % (
            epoch + 1, epochs, loss_sum / len(x), 100.0 * correct / len(x),
            time.perf_counter() - start, time.process_time() - start_cpu))
    model.eval()


@torch.no_grad()
def embed_and_classify(model, x):
    """Returns (features at the final Linear's input, logits), evaluated in batches."""
    feats = []
    hook = model.fc.register_forward_hook(lambda m, inp, out: feats.append(inp[0]))
    logits = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    hook.remove()
    return torch.cat(feats), logits


def linear_probe(train_x, train_y, test_x, test_y, num_classes, steps=100):
    """Softmax regression on frozen features (full batch, L-BFGS); returns test accuracy."""
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    a, b = (train_x - mean) / std, (test_x - mean) / std
    torch.manual_seed(0)
    head = nn.Linear(a.shape[1], num_classes)
    opt = torch.optim.LBFGS(head.parameters(), lr=1, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(head(a), train_y) + 1e-3 * head.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return float((head(b).argmax(1) == test_y).float().mean())


def first_per_class(y, n):
    """Indices of the first n samples of each class, in file order (a fixed, seed-free choice)."""
    return torch.cat([torch.nonzero(y == c).flatten()[:n] for c in range(int(y.max()) + 1)])


def transfer_accuracies(model, held_train, held_test):
    """Linear probes on the held-out classes from 10, 50 and all training images per class."""
    ftrain, _ = embed_and_classify(model, held_train[0])
    ftest, _ = embed_and_classify(model, held_test[0])
    out = {}
    for n in (10, 50, None):
        idx = first_per_class(held_train[1], n) if n else torch.arange(len(ftrain))
        out["per_class_%s" % (n or "all")] = round(100 * linear_probe(
            ftrain[idx], held_train[1][idx], ftest, held_test[1], len(HELD_OUT_CLASSES)), 2)
    return out


def export_onnx(model, path):
    dummy = torch.zeros(1, 3, 28, 28)
    torch.onnx.export(model, dummy, path + ".tmp", opset_version=13, input_names=["input"],
                      output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    os.replace(path + ".tmp", path)
    with open(path, "rb") as f:
        data = f.read()
    return len(data), hashlib.sha256(data).hexdigest()


def feature_tensor_name(onnx_path):
    import onnx

    graph = onnx.load(onnx_path).graph
    gemms = [n for n in graph.node if n.op_type == "Gemm"]
    return gemms[-1].input[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--epochs", type=int,
                        help="epochs for both networks (default: %d for the ResNet, %d for the "
                        "VGG, about 3 minutes each on 2 cores)" % (EPOCHS["resnet"], EPOCHS["vgg"]))
    parser.add_argument("--only", choices=["resnet", "vgg"], help="train just one backbone")
    args = parser.parse_args()
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    log = lambda msg: print(msg, flush=True)  # noqa: E731

    train_images, train_labels = load_split("train", PRETRAIN_CLASSES)
    test_images, test_labels = load_split("t10k", PRETRAIN_CLASSES)
    x, y = to_input(train_images), torch.from_numpy(train_labels)
    xt, yt = to_input(test_images), torch.from_numpy(test_labels)
    held_imgs, held_labels = load_split("train", HELD_OUT_CLASSES)
    held_test_imgs, held_test_labels = load_split("t10k", HELD_OUT_CLASSES)
    held_train = (to_input(held_imgs), torch.from_numpy(held_labels))
    held_test = (to_input(held_test_imgs), torch.from_numpy(held_test_labels))
    log("pretraining set: %d images, test: %d images, classes %s" % (
        len(x), len(xt), [CLASS_NAMES[c] for c in PRETRAIN_CLASSES]))

    # Baseline for the transfer numbers: the same probe on raw (normalised) pixels.
    raw = {}
    for n in (10, 50, None):
        idx = first_per_class(held_train[1], n) if n else torch.arange(len(held_train[0]))
        raw["per_class_%s" % (n or "all")] = round(100 * linear_probe(
            held_train[0][idx, 0].flatten(1), held_train[1][idx],
            held_test[0][:, 0].flatten(1), held_test[1], len(HELD_OUT_CLASSES)), 2)
    log("held-out classes, linear probe on raw pixels: %s" % raw)

    os.makedirs(args.out, exist_ok=True)
    json_path = os.path.join(args.out, "fashion_backbones.json")
    report = {}
    if os.path.exists(json_path):
        with open(json_path) as f:
            report = json.load(f)
    report.update({
        "command": "/usr/bin/python3 models/train_fashion_backbones.py" +
                   (" --epochs %d" % args.epochs if args.epochs else ""),
        "dataset": DATA_DIR,
        "pretrain_classes": [CLASS_NAMES[c] for c in PRETRAIN_CLASSES],
        "held_out_classes": [CLASS_NAMES[c] for c in HELD_OUT_CLASSES],
        "input": {"shape": ["batch", 3, 28, 28], "layout": "NCHW",
                  "channels": "grey value replicated to R, G and B"},
        "preprocessing": PREPROCESSING,
        "held_out_linear_probe_raw_pixels_percent": raw,
        "torch": torch.__version__,
        "threads": THREADS,
    })
    report.setdefault("models", {})

    specs = [("resnet", FashionResNet, 0.1), ("vgg", FashionVGG, 0.05)]
    for key, cls, lr in specs:
        if args.only and args.only != key:
            continue
        torch.manual_seed(SEED)
        generator = torch.Generator().manual_seed(SEED)
        model = cls()
        params = sum(p.numel() for p in model.parameters())
        epochs = args.epochs or EPOCHS[key]
        log("%s: %d parameters, %d epochs" % (cls.__name__, params, epochs))
        start, start_cpu = time.perf_counter(), time.process_time()
        train(model, x, y, epochs, lr, generator, log)
        # Wall time depends on what else the machine runs; CPU time (all threads) less so.
        train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
        _, logits = embed_and_classify(model, xt)
        pred = logits.argmax(1)
        acc = float((pred == yt).float().mean())
        per_class = {CLASS_NAMES[c]: round(100 * float((pred[yt == i] == i).float().mean()), 2)
                     for i, c in enumerate(PRETRAIN_CLASSES)}
        log("%s: test accuracy %.2f %% on %d images, training %.0f s wall, %.0f s CPU" % (
            cls.__name__, 100 * acc, len(xt), train_s, train_cpu_s))
        transfer = transfer_accuracies(model, held_train, held_test)
        log("%s: held-out classes, linear probe on features: %s" % (cls.__name__, transfer))

        onnx_path = os.path.join(args.out, "fashion_%s.onnx" % key)
        size, sha = export_onnx(model, onnx_path)
        report["models"][key] = {
            "file": os.path.basename(onnx_path),
            "architecture": cls.__doc__,
            "parameters": params,
            "feature_tensor": feature_tensor_name(onnx_path),
            "feature_dim": model.fc.in_features,
            "epochs": epochs,
            "batch": BATCH,
            "peak_lr": lr,
            "seed": SEED,
            "train_seconds": round(train_s, 1),
            "train_cpu_seconds": round(train_cpu_s, 1),
            "test_accuracy_percent": round(100 * acc, 2),
            "test_images": len(xt),
            "test_accuracy_per_class_percent": per_class,
            "held_out_linear_probe_percent": transfer,
            "onnx_bytes": size,
            "onnx_sha256": sha,
        }
        log("wrote %s (%d bytes)" % (onnx_path, size))

    with open(os.path.join(args.out, "fashion_labels.txt"), "w") as f:
        f.write("".join(CLASS_NAMES[c] + "\n" for c in PRETRAIN_CLASSES))
    with open(json_path + ".tmp", "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    os.replace(json_path + ".tmp", json_path)
    log("wrote %s" % json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
