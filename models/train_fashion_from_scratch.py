#!/usr/bin/python3
"""Train the embedded backbones' architectures from scratch on the held-out Fashion classes.

The reference column for frost's fine-tuning demo: what the same networks reach when trained
from random initialisation, with PyTorch (frost cannot backpropagate through conv layers), on
the five classes the backbones never saw: Sandal, Shirt, Sneaker, Bag, Ankle boot (labels
0..4 in that order). Each network is trained on the first 10, 50 and all training images of
each class (file order, exactly train_fashion_backbones.first_per_class, the images the demo
fine-tunes on) and tested on all 5,000 t10k images of those classes.

Architectures, data loading, preprocessing, augmentation and the training loop are imported
from train_fashion_backbones.py, so this is the pretraining recipe applied to a new data set;
only the number of epochs changes with the data size (see epochs_for). No test-set-based
choice is made: every run is evaluated once, at its end.

Writes --out/fashion_from_scratch.json (default: this script's directory), atomically and
after every run, so an interrupted run keeps what it finished.

Usage: /usr/bin/python3 models/train_fashion_from_scratch.py [--out DIR] [--only resnet|vgg]
           [--sizes 10,50,all] [--threads N] [--seed S]
"""

import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_fashion_backbones as fb  # noqa: E402  (the architectures, data and recipe)

SIZES = {"10": 10, "50": 50, "all": None}
# Small sets get at least this many optimizer steps, so that 10 images per class (50 images,
# one batch) are not trained for a handful of steps; the full set (30,000 images, the size of
# the pretraining set) gets the pretraining epochs, fb.EPOCHS, which is more than this.
MIN_STEPS = 500
ARCHITECTURES = {"resnet": (fb.FashionResNet, 0.1), "vgg": (fb.FashionVGG, 0.05)}  # peak lr as pretraining
JSON_NAME = "fashion_from_scratch.json"
# One thread: on the shared 2-core machine this was 3.5x faster than two threads (41 s vs
# 144 s wall for the 10-per-class ResNet while a build ran). The thread count changes the
# floating-point reduction order, so results are reproducible for a given thread count only.
THREADS = 1


def epochs_for(key, num_images):
    """Pretraining epochs for the full set; enough epochs for MIN_STEPS steps on small sets."""
    steps_per_epoch = math.ceil(num_images / fb.BATCH)
    return max(fb.EPOCHS[key], math.ceil(MIN_STEPS / steps_per_epoch)), steps_per_epoch


def every_nth(log, n):
    """fb.train logs once per epoch; hundreds of epochs on a tiny set are logged every n-th."""
    calls = [0]

    def filtered(msg):
        calls[0] += 1
        if calls[0] % n == 0:
            log(msg)
    return filtered


def write_json_atomically(path, report):
    with open(path + ".tmp", "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--only", choices=sorted(ARCHITECTURES), help="train just one network")
    parser.add_argument("--sizes", default="10,50,all",
                        help="images per class, comma separated, from 10, 50, all")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help="PyTorch threads (default %d)" % THREADS)
    parser.add_argument("--seed", type=int, default=fb.SEED,
                        help="seed for the initialisation, data order and augmentation "
                        "(default %d, as pretraining)" % fb.SEED)
    args = parser.parse_args()
    sizes = args.sizes.split(",")
    bad = [s for s in sizes if s not in SIZES]
    if bad:
        parser.error("--sizes: unknown size(s) %s, expected some of %s" % (bad, list(SIZES)))
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    log = lambda msg: print(msg, flush=True)  # noqa: E731

    train_images, train_labels = fb.load_split("train", fb.HELD_OUT_CLASSES)
    test_images, test_labels = fb.load_split("t10k", fb.HELD_OUT_CLASSES)
    x_all, y_all = fb.to_input(train_images), torch.from_numpy(train_labels)
    xt, yt = fb.to_input(test_images), torch.from_numpy(test_labels)
    names = [fb.CLASS_NAMES[c] for c in fb.HELD_OUT_CLASSES]
    log("held-out classes %s: %d training images, %d test images" % (names, len(x_all), len(xt)))

    os.makedirs(args.out, exist_ok=True)
    json_path = os.path.join(args.out, JSON_NAME)
    report = {}
    if os.path.exists(json_path):  # --only / --sizes update their entries, keep the rest
        with open(json_path) as f:
            report = json.load(f)
    report.update({
        "command": "/usr/bin/python3 models/train_fashion_from_scratch.py",
        "what": "PyTorch, not frost: the backbone architectures trained from random "
                "initialisation on the held-out classes, for comparison with frost's "
                "head-only fine-tuning of the pretrained backbones",
        "dataset": fb.DATA_DIR,
        "classes": names,
        "labels": "0..4 in the order of classes",
        "train_images": "the first N training images of each class in file order "
                        "(train_fashion_backbones.first_per_class); 'all' = 6,000 per class",
        "test_images": len(xt),
        "preprocessing": fb.PREPROCESSING,
        "recipe": {
            "description": "train_fashion_backbones.train, the pretraining recipe: SGD, Nesterov "
                           "momentum 0.9, batch %d, weight decay 5e-4 (not on BN and biases), "
                           "one warm-up epoch then cosine decay to 0, random horizontal flips and "
                           "shifts of up to 2 pixels; epochs = the pretraining epochs (%s), raised "
                           "so that every run takes at least %d optimizer steps; evaluated once, "
                           "after the last step" % (fb.BATCH, fb.EPOCHS, MIN_STEPS),
            "batch": fb.BATCH,
            "momentum": 0.9,
            "nesterov": True,
            "weight_decay": 5e-4,
            "min_steps": MIN_STEPS,
            "pretraining_epochs": fb.EPOCHS,
        },
        "torch": torch.__version__,
        "threads": args.threads,
    })
    report.setdefault("models", {})

    for key, (cls, lr) in ARCHITECTURES.items():
        if args.only and args.only != key:
            continue
        entry = report["models"].setdefault(key, {})
        entry.update({"architecture": cls.__doc__,
                      "parameters": sum(p.numel() for p in cls().parameters())})
        for size in sizes:
            n = SIZES[size]
            idx = fb.first_per_class(y_all, n) if n else torch.arange(len(x_all))
            x, y = x_all[idx], y_all[idx]
            epochs, steps_per_epoch = epochs_for(key, len(x))
            log("%s, %s images per class (%d images): %d epochs, %d steps, peak lr %g" % (
                cls.__name__, size, len(x), epochs, epochs * steps_per_epoch, lr))
            torch.manual_seed(args.seed)
            generator = torch.Generator().manual_seed(args.seed)
            model = cls()
            start, start_cpu = time.perf_counter(), time.process_time()
            fb.train(model, x, y, epochs, lr, generator, every_nth(log, max(1, epochs // 5)))
            train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
            _, logits = fb.embed_and_classify(model, xt)
            pred = logits.argmax(1)
            acc = 100 * float((pred == yt).float().mean())
            per_class = {name: round(100 * float((pred[yt == i] == i).float().mean()), 2)
                         for i, name in enumerate(names)}
            log("%s, %s per class: test accuracy %.2f %%, %.0f s wall, %.0f s CPU" % (
                cls.__name__, size, acc, train_s, train_cpu_s))
            entry["per_class_%s" % size] = {
                "train_images": len(x),
                "test_accuracy_percent": round(acc, 2),
                "test_accuracy_per_class_percent": per_class,
                "epochs": epochs,
                "steps": epochs * steps_per_epoch,
                "peak_lr": lr,
                "seed": args.seed,
                "train_seconds": round(train_s, 1),
                "train_cpu_seconds": round(train_cpu_s, 1),
            }
            write_json_atomically(json_path, report)
    log("wrote %s" % json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
