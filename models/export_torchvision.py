#!/usr/bin/python3
"""Export a torchvision ResNet/VGG with seeded random weights to ONNX, as a user would.

Writes into --out:
  <name>.onnx           the model (torch.onnx.export, do_constant_folding left at its default)
  <name>.input.npy      seeded float32 NCHW input, --batch samples
  <name>.expected.npy   PyTorch's output for that input (eval mode, fp32)
  <name>.json           arch, opset, dynamic batch, BN handling, shapes, max |output|, timings
  <name>.pt             with --state-dict: the same network's state_dict (torch.save), for
                        running it natively in PyTorch (benchmarks/peers/torch_worker.py)

<name> is <arch>_op<opset>_<static|dynamic>[_bn] unless --name is given.

Pretrained ImageNet weights cannot be downloaded here, so the weights are random but
seeded. BatchNorm layers get data-derived running statistics (one train-mode pass over a
small random batch) and random affine parameters, so that folding them is not a no-op.

Note on BatchNorm: in the default export mode (TrainingMode.EVAL) PyTorch itself folds
every Conv+BatchNormalization pair before writing the file, so the ONNX holds no
BatchNormalization node. --keep-bn exports with TrainingMode.PRESERVE on the eval-mode
model instead, which keeps the BatchNormalization nodes in the graph: that is the variant
that exercises frost's own BN folding.

Usage:
  /usr/bin/python3 models/export_torchvision.py --arch resnet18 --opset 13 --out DIR
      [--dynamic-batch] [--batch 2] [--seed 0] [--size 224] [--keep-bn] [--name NAME]
      [--state-dict]
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import torch
import torchvision

RESNETS = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152"]
VGGS = ["vgg11", "vgg13", "vgg16", "vgg19"]
ARCHS = RESNETS + VGGS + [v + "_bn" for v in VGGS]
OPSETS = list(range(11, 18))

# Samples of random noise whose statistics become the BatchNorm running statistics.
CALIBRATION_BATCH = 2


RESIDUAL_SCALE = 0.2


def build_model(arch, seed, size):
    """torchvision architecture with seeded random weights and non-trivial BatchNorm.

    The affine parameters are drawn first, then one train-mode pass over noise at the export
    resolution sets every running mean/variance to the statistics its layer actually sees.
    Calibrating after drawing the affine parameters keeps activations well scaled through
    152 layers (the other order lets the residual stream of ResNet-152 grow to ~1e5).
    """
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)(weights=None)
    batch_norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if batch_norms:
        generator = torch.Generator().manual_seed(seed + 1)
        with torch.no_grad():
            for bn in batch_norms:
                c = bn.num_features
                bn.weight.copy_(0.5 + torch.rand(c, generator=generator))
                bn.bias.copy_(0.1 * torch.randn(c, generator=generator))
                bn.reset_running_stats()
                # None = cumulative average: one pass sets the running stats to that batch's.
                bn.momentum = None
            model.train()
            model(torch.randn(CALIBRATION_BATCH, 3, size, size, generator=generator))
            for bn in batch_norms:
                bn.momentum = 0.1
            # Trained ResNets keep their residual branches small next to the identity path.
            # Random ones do not, and then fp32 rounding grows through the blocks: PyTorch's
            # own fp32 output of ResNet-152 was 3.2e-4 (of its largest value) away from its
            # fp64 output, so no fp32 runtime could be held to 1e-4. Scaling each block's
            # last BatchNorm by 0.2 brings that to 1e-6.
            for block in model.modules():
                last = getattr(block, "bn3", None)
                if last is None and isinstance(block, torchvision.models.resnet.BasicBlock):
                    last = block.bn2
                if last is not None:
                    last.weight.mul_(RESIDUAL_SCALE)
                    last.bias.mul_(RESIDUAL_SCALE)
    model.eval()
    return model


def case_name(arch, opset, dynamic, keep_bn):
    name = "%s_op%d_%s" % (arch, opset, "dynamic" if dynamic else "static")
    return name + "_bn" if keep_bn else name


def graph_facts(onnx_path):
    """Op histogram, graph input/output names and the inputs of the fully connected layers.

    ResNets end in one Gemm; VGGs in three (fc6, fc7, fc8). Where frost puts the head boundary
    is the converter's choice, so both candidates are recorded: the input of the first and of
    the last fully connected layer.
    """
    import onnx  # only needed for these facts

    graph = onnx.load(onnx_path, load_external_data=False).graph
    ops = {}
    for node in graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    fc_inputs = [n.input[0] for n in graph.node if n.op_type in ("Gemm", "MatMul")]
    return {
        "ops": ops,
        "onnx_input": graph.input[0].name,
        "onnx_output": graph.output[0].name,
        "first_fc_input": fc_inputs[0] if fc_inputs else None,
        "last_fc_input": fc_inputs[-1] if fc_inputs else None,
    }


def export(arch, opset, dynamic, out_dir, batch, seed, size, keep_bn, name=None, threads=2,
           state_dict=False):
    """Exports one case; returns the JSON facts written beside it."""
    if arch not in ARCHS:
        raise ValueError("unknown arch %r (known: %s)" % (arch, ", ".join(ARCHS)))
    if opset not in OPSETS:
        raise ValueError("opset %d outside 11..17" % opset)
    if arch.startswith("vgg") and size % 224:
        # VGG's AdaptiveAvgPool2d((7, 7)) exports only when the 1/32 feature map is a
        # multiple of 7, i.e. the input a multiple of 224.
        raise ValueError("%s exports only at multiples of 224, not at size %d" % (arch, size))
    torch.set_num_threads(threads)
    os.makedirs(out_dir, exist_ok=True)
    name = name or case_name(arch, opset, dynamic, keep_bn)
    paths = {k: os.path.join(out_dir, name + ext) for k, ext in
             [("onnx", ".onnx"), ("input", ".input.npy"), ("expected", ".expected.npy"),
              ("json", ".json")] + ([("state_dict", ".pt")] if state_dict else [])}

    start = time.perf_counter()
    model = build_model(arch, seed, size)
    build_s = time.perf_counter() - start

    # The dummy input of a static export has batch 1; the test input may hold more samples
    # (frost runs a batch-1 model once per sample).
    start = time.perf_counter()
    dummy = torch.zeros(1, 3, size, size)
    export_kwargs = dict(opset_version=opset, input_names=["input"], output_names=["output"])
    if dynamic:
        export_kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    if keep_bn:
        export_kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
        # The exporter warns about constant folding in PRESERVE mode because it cannot tell
        # that the model is in eval mode; here it is, so folding changes no parameter.
        warnings.filterwarnings("ignore", message="It is recommended that constant folding")
    tmp_path = paths["onnx"] + ".tmp"
    try:
        torch.onnx.export(model, dummy, tmp_path, **export_kwargs)
        os.replace(tmp_path, paths["onnx"])
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)  # a failed export leaves no partial file behind
    export_s = time.perf_counter() - start

    start = time.perf_counter()
    rng = np.random.default_rng(seed + 2)
    x = rng.standard_normal((batch, 3, size, size), dtype=np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy().astype(np.float32)
    np.save(paths["input"], x)
    np.save(paths["expected"], y)
    reference_s = time.perf_counter() - start

    if state_dict:
        # The very network the ONNX file was exported from, so PyTorch can run it natively
        # with identical weights (rebuilding it would redo the BatchNorm calibration).
        tmp_path = paths["state_dict"] + ".tmp"
        torch.save(model.state_dict(), tmp_path)
        os.replace(tmp_path, paths["state_dict"])

    graph = graph_facts(paths["onnx"])
    facts = {
        "name": name,
        "arch": arch,
        "opset": opset,
        "dynamic_batch": dynamic,
        "keep_bn": keep_bn,
        "batchnorm_in_graph": "BatchNormalization" in graph["ops"],
        "seed": seed,
        "residual_scale": RESIDUAL_SCALE,
        "input_shape": list(x.shape),
        "output_shape": list(y.shape),
        "max_abs_output": float(np.abs(y).max()),
        **graph,
        "onnx_bytes": os.path.getsize(paths["onnx"]),
        "seconds": {"build": round(build_s, 2), "export": round(export_s, 2),
                    "reference": round(reference_s, 2)},
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "files": {k: os.path.basename(v) for k, v in paths.items() if k != "json"},
    }
    with open(paths["json"], "w") as f:
        json.dump(facts, f, indent=1)
        f.write("\n")
    return facts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", required=True, choices=ARCHS)
    parser.add_argument("--opset", type=int, default=13, choices=OPSETS)
    parser.add_argument("--dynamic-batch", action="store_true",
                        help="export with a dynamic batch axis named 'batch'")
    parser.add_argument("--keep-bn", action="store_true",
                        help="keep BatchNormalization nodes in the ONNX (TrainingMode.PRESERVE)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--batch", type=int, default=1, help="samples in the test input")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=224, help="input height and width")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--name", help="file name stem (default: derived from the options)")
    parser.add_argument("--state-dict", action="store_true",
                        help="also write <name>.pt, the network's state_dict (torch.save)")
    args = parser.parse_args()
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    if args.size < 32:
        parser.error("--size must be at least 32 (five stride-2 stages)")
    try:
        facts = export(args.arch, args.opset, args.dynamic_batch, args.out, args.batch, args.seed,
                       args.size, args.keep_bn, args.name, args.threads, args.state_dict)
    except ValueError as e:
        parser.error(str(e))
    print(json.dumps({k: facts[k] for k in ("name", "onnx_bytes", "max_abs_output", "seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
