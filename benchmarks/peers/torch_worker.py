#!/usr/bin/python3
"""PyTorch side of frost_compare_bench: one model, batch and thread count, in its own process.

The same protocol as benchmarks/frost_worker.cpp and ort_worker.js: read the input .npy,
time "open the model to first result ready", warm up, time the runs, write the last output
as .npy, print one JSON line (the driver computes median/min and reads the peak RSS).

The network runs natively in PyTorch (eager mode, eval(), torch.inference_mode(),
torch.set_num_threads), built from its own code and weights, not from the ONNX file:
  --arch resnet18 --state-dict R.pt    torchvision architecture + the state_dict that
                                        models/export_torchvision.py --state-dict saved
                                        beside the ONNX it exported
  --cifar-depth 20 --weights R.th      CIFAR ResNet-20/32/44/56 of akamaster (the code the
                                        asset ONNX files were exported from, in
                                        torch_finetune.py) + the original checkpoint
Load time covers building the module (torchvision initialises its weights randomly first,
as in any user's code), torch.load, load_state_dict and the first forward pass; importing
torch is before it.

Usage: /usr/bin/python3 torch_worker.py (--arch A --state-dict F | --cifar-depth D --weights F)
           --input X.npy --output Y.npy --threads N [--warmup 2] [--runs 20] [--min-runs 5]
           [--max-seconds 30]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision


def status_mib(field):
    """"VmRSS" (resident now) or "VmHWM" (peak resident set of this program since exec; unlike
    wait4's ru_maxrss it does not count the pages of the process that forked us), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def build(args):
    if args.arch:
        model = getattr(torchvision.models, args.arch)(weights=None)
        model.load_state_dict(torch.load(args.state_dict, map_location="cpu"))
        return model
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_finetune import CifarResNet  # the akamaster network, next to this file

    checkpoint = torch.load(args.weights, map_location="cpu")
    state = {k.removeprefix("module."): v for k, v in checkpoint["state_dict"].items()}
    model = CifarResNet(blocks_per_stage=(args.cifar_depth - 2) // 6)
    model.load_state_dict(state)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", help="torchvision architecture, e.g. resnet18")
    parser.add_argument("--state-dict", help="its state_dict (torch.save)")
    parser.add_argument("--cifar-depth", type=int, choices=[20, 32, 44, 56])
    parser.add_argument("--weights", help="akamaster checkpoint (.th)")
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--threads", type=int, default=1, help="0 = all cores")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--min-runs", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=30)
    args = parser.parse_args()
    if bool(args.arch) == bool(args.cifar_depth):
        parser.error("give either --arch with --state-dict or --cifar-depth with --weights")
    if (args.arch and not args.state_dict) or (args.cifar_depth and not args.weights):
        parser.error("--arch needs --state-dict, --cifar-depth needs --weights")

    # Debian's torch starts with one thread; ask for what the other runtimes get.
    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    x = torch.from_numpy(np.load(args.input))
    rss_before_load = status_mib("VmRSS")

    with torch.inference_mode():
        load_start = time.perf_counter()
        model = build(args).eval()
        y = model(x)
        load_ms = (time.perf_counter() - load_start) * 1e3

        for _ in range(args.warmup):
            y = model(x)
        times = []
        timing_start = time.perf_counter()
        while len(times) < args.runs and (len(times) < args.min_runs or
                                          time.perf_counter() - timing_start < args.max_seconds):
            start = time.perf_counter()
            y = model(x)
            times.append((time.perf_counter() - start) * 1e3)

    tmp = args.output + ".tmp.npy"
    np.save(tmp, y.numpy().astype(np.float32))
    os.replace(tmp, args.output)  # atomically: a reader sees the old file or the whole new one
    print(json.dumps({
        "runtime": "torch",
        "version": torch.__version__,
        "batch": int(x.shape[0]),
        "threads": args.threads,
        "load_ms": load_ms,
        "warmup": args.warmup,
        "times_ms": times,
        "rss_before_load_mib": rss_before_load,
        "peak_rss_mib": status_mib("VmHWM"),
        "output_shape": list(y.shape),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
