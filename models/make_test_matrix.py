#!/usr/bin/python3
"""Export the torchvision cases the end-to-end test converts and runs, plus their manifest.

Together the cases cover what issue 2 asks for: every ResNet and VGG (with and without
BatchNorm), every opset from 11 to 17, static and dynamic batch axes, BatchNorm both as
PyTorch folds it (default export) and kept as BatchNormalization nodes (--keep-bn), and a
static batch-1 model given several samples.

Tier "ci" holds the cases small enough for CI (ResNet-18/34/50 and one VGG, about 1 GB of
ONNX in all); tier "slow" the rest (ResNet-101/152 and the other seven VGGs, 4.5 GB).

Writes into --out, for each case, the files of export_torchvision.py, then manifest.jsonl
(one JSON object per case: case, tier, onnx, input, expected, json and the case's facts)
and prints the manifest to stdout. A case whose files already exist with the same
parameters is not exported again, so reruns are cheap.

Usage:
  /usr/bin/python3 models/make_test_matrix.py --out DIR [--tier ci|slow|all] [--list]
"""

import argparse
import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torchvision  # noqa: E402  (next to this file)

# (arch, opset, dynamic batch, keep BatchNormalization nodes, samples in the input, tier)
CASES = [
    # ResNet-18 carries the opset sweep; every opset once, mixed static/dynamic and BN modes.
    ("resnet18", 11, False, False, 1, "ci"),
    ("resnet18", 12, True, True, 2, "ci"),
    ("resnet18", 13, False, False, 3, "ci"),  # batch-1 model given 3 samples
    ("resnet18", 14, False, True, 1, "ci"),  # BatchNormalization with training_mode attr
    ("resnet18", 15, True, False, 2, "ci"),
    ("resnet18", 16, False, True, 1, "ci"),
    ("resnet18", 17, True, True, 2, "ci"),
    ("resnet34", 13, True, False, 2, "ci"),
    ("resnet50", 17, False, True, 1, "ci"),  # bottleneck blocks, BN folding
    ("vgg11_bn", 13, True, True, 2, "ci"),  # VGG head: AveragePool, Flatten, 3 Gemm
    # Slow tier: every remaining architecture once, opsets spread over 11..17.
    ("resnet101", 11, True, True, 2, "slow"),
    ("resnet152", 16, False, False, 1, "slow"),
    ("vgg11", 11, False, False, 1, "slow"),
    ("vgg13", 12, True, False, 2, "slow"),
    ("vgg16", 14, False, False, 1, "slow"),
    ("vgg19", 17, True, False, 2, "slow"),
    ("vgg13_bn", 15, False, True, 1, "slow"),
    ("vgg16_bn", 16, True, False, 2, "slow"),
    ("vgg19_bn", 11, False, True, 1, "slow"),
]

SEED = 0
SIZE = 224


def is_current(json_path, arch, opset, dynamic, keep_bn, batch):
    """True when a previous run already exported this case with the same parameters."""
    try:
        with open(json_path) as f:
            facts = json.load(f)
    except (OSError, ValueError):
        return False
    out_dir = os.path.dirname(json_path)
    files_present = all(os.path.exists(os.path.join(out_dir, p)) for p in facts["files"].values())
    return files_present and (facts["arch"], facts["opset"], facts["dynamic_batch"],
                              facts["input_shape"], facts["seed"], facts.get("keep_bn"),
                              facts.get("residual_scale")) == (
        arch, opset, dynamic, [batch, 3, SIZE, SIZE], SEED, keep_bn,
        export_torchvision.RESIDUAL_SCALE)


def manifest_entry(out_dir, facts, tier):
    files = {k: os.path.join(out_dir, v) for k, v in facts["files"].items()}
    return {
        "case": facts["name"],
        "tier": tier,
        "onnx": files["onnx"],
        "input": files["input"],
        "expected": files["expected"],
        "json": os.path.join(out_dir, facts["name"] + ".json"),
        "arch": facts["arch"],
        "opset": facts["opset"],
        "dynamic_batch": facts["dynamic_batch"],
        "batchnorm_in_graph": facts["batchnorm_in_graph"],
        "max_abs_output": facts["max_abs_output"],
        "onnx_bytes": facts["onnx_bytes"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="output directory (required unless --list)")
    parser.add_argument("--tier", choices=["ci", "slow", "all"], default="ci")
    parser.add_argument("--list", action="store_true", help="print the cases, export nothing")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    cases = [c for c in CASES if args.tier == "all" or c[5] == args.tier]
    if args.list:
        for arch, opset, dynamic, keep_bn, batch, tier in cases:
            print("%-28s tier=%s batch=%d" % (
                export_torchvision.case_name(arch, opset, dynamic, keep_bn), tier, batch))
        return 0
    if not args.out:
        parser.error("--out is required")
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)

    entries = []
    for arch, opset, dynamic, keep_bn, batch, tier in cases:
        name = export_torchvision.case_name(arch, opset, dynamic, keep_bn)
        json_path = os.path.join(out_dir, name + ".json")
        if is_current(json_path, arch, opset, dynamic, keep_bn, batch):
            with open(json_path) as f:
                facts = json.load(f)
        else:
            start = time.perf_counter()
            facts = export_torchvision.export(arch, opset, dynamic, out_dir, batch, SEED, SIZE,
                                              keep_bn, threads=args.threads)
            print("exported %s in %.1f s (%.0f MB)" % (
                name, time.perf_counter() - start, facts["onnx_bytes"] / 1e6), file=sys.stderr)
            gc.collect()  # the VGG exports hold ~2.5 GB each; release before the next one
        entries.append(manifest_entry(out_dir, facts, tier))

    manifest_path = os.path.join(out_dir, "manifest.jsonl")
    with open(manifest_path + ".tmp", "w") as f:
        for entry in entries:
            f.write(json.dumps(entry) + "\n")
    os.replace(manifest_path + ".tmp", manifest_path)
    for entry in entries:
        print(json.dumps(entry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
