"""An independent ONNX evaluator on PyTorch tensors, for generating test references.

It covers the ops the real asset models use (ResNet/VGG layers plus the exporter glue)
and nothing more: a missing op raises, so a reference is never silently wrong.
Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12).
"""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads_for(x, pads):
    """ONNX pads [b0, b1, ..., e0, e1, ...] -> F.pad order (last axis first)."""
    r = len(pads) // 2
    out = []
    for axis in reversed(range(r)):
        out += [int(pads[axis]), int(pads[axis + r])]
    return out


def _conv(x, w, b, a):
    pads = a.get("pads", [0, 0, 0, 0])
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise NotImplementedError("auto_pad")
    x = F.pad(x, [pads[1], pads[3], pads[0], pads[2]])
    return F.conv2d(x, w, b, stride=a.get("strides", [1, 1]), dilation=a.get("dilations", [1, 1]),
                    groups=a.get("group", 1))


def _pool(x, a, kind):
    k = a["kernel_shape"]
    pads = a.get("pads", [0, 0, 0, 0])
    s = a.get("strides", [1, 1])
    if kind == "max":
        x = F.pad(x, [pads[1], pads[3], pads[0], pads[2]], value=-float("inf"))
        return F.max_pool2d(x, k, s, ceil_mode=bool(a.get("ceil_mode", 0)))
    if pads != [pads[0]] * 4 or pads[0] * 2 > k[0]:
        raise NotImplementedError("asymmetric AveragePool padding")
    return F.avg_pool2d(x, k, s, padding=pads[0], ceil_mode=bool(a.get("ceil_mode", 0)),
                        count_include_pad=bool(a.get("count_include_pad", 0)))


def _slice(x, starts, ends, axes, steps):
    axes = list(range(len(starts))) if axes is None else [int(v) for v in axes]
    steps = [1] * len(starts) if steps is None else [int(v) for v in steps]
    for st, en, ax, sp in zip(starts.tolist(), ends.tolist(), axes, steps):
        ax = ax % x.dim()
        n = x.shape[ax]
        st = st + n if st < 0 else st
        en = en + n if en < 0 else en
        if sp > 0:
            st, en = max(0, min(n, st)), max(0, min(n, en))
        else:
            st, en = max(-1, min(n - 1, st)), max(-1, min(n - 1, en))
        x = torch.index_select(x, ax, torch.arange(st, en, sp, dtype=torch.int64))
    return x


def run(model_path, feeds):
    """Evaluates the model on `feeds` (name -> np.ndarray); returns {output name: np.ndarray}.

    A batch larger than the exported one is allowed: a Reshape whose constant target
    still says batch 1 keeps the actual batch instead (what frost's converter does too).
    """
    model = onnx.load(model_path)
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    for k, v in feeds.items():
        env[k] = torch.from_numpy(np.ascontiguousarray(v))
    for node in model.graph.node:
        a = _attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Conv":
            y = _conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "Relu":
            y = torch.relu(i[0])
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Sub":
            y = i[0] - i[1]
        elif op == "Mul":
            y = i[0] * i[1]
        elif op == "Div":
            y = i[0] / i[1] if i[0].is_floating_point() else torch.div(i[0], i[1], rounding_mode="trunc")
        elif op == "Neg":
            y = -i[0]
        elif op == "Shape":
            y = torch.tensor(list(i[0].shape), dtype=torch.int64)
        elif op == "Gather":
            y = torch.index_select(i[0], a.get("axis", 0), i[1].reshape(-1)).reshape(
                list(i[0].shape[:a.get("axis", 0)]) + list(i[1].shape) + list(i[0].shape[a.get("axis", 0) + 1:]))
        elif op == "Unsqueeze":
            axes = a["axes"] if "axes" in a else i[1].tolist()
            y = i[0]
            for ax in sorted(v % (y.dim() + len(axes)) for v in axes):
                y = y.unsqueeze(ax)
        elif op == "Concat":
            y = torch.cat(i, dim=a["axis"])
        elif op == "ConstantOfShape":
            value = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = torch.full(i[0].tolist(), value.item(), dtype=torch.from_numpy(value).dtype)
        elif op == "Cast":
            y = i[0].to({1: torch.float32, 7: torch.int64, 6: torch.int32, 11: torch.float64}[a["to"]])
        elif op == "Reshape":
            shape = [int(v) for v in i[1].tolist()]
            shape = [i[0].shape[k] if v == 0 else v for k, v in enumerate(shape)]
            if shape and shape[0] == 1 and i[0].shape[0] != 1:
                shape[0] = i[0].shape[0]
            y = i[0].reshape(shape)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Transpose":
            y = i[0].permute(a.get("perm", list(reversed(range(i[0].dim()))))).contiguous()
        elif op == "Slice":
            y = _slice(i[0], i[1], i[2], i[3] if len(i) > 3 else None, i[4] if len(i) > 4 else None)
        elif op == "Pad":
            pads = a["pads"] if "pads" in a else i[1].tolist()
            value = float(i[2]) if len(i) > 2 and i[2] is not None else 0.0
            if a.get("mode", b"constant") not in (b"constant", "constant"):
                raise NotImplementedError("Pad mode")
            y = F.pad(i[0], _pads_for(i[0], pads), value=value)
        elif op == "AveragePool":
            y = _pool(i[0], a, "avg")
        elif op == "MaxPool":
            y = _pool(i[0], a, "max")
        elif op == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == "Gemm":
            x, w = i[0], i[1]
            if a.get("transA", 0):
                x = x.t()
            if a.get("transB", 0):
                w = w.t()
            y = a.get("alpha", 1.0) * (x @ w)
            if len(i) > 2 and i[2] is not None:
                y = y + a.get("beta", 1.0) * i[2]
        elif op == "Softmax":
            y = torch.softmax(i[0], dim=a.get("axis", -1))
        elif op == "BatchNormalization":
            y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op in ("Identity", "Dropout"):
            y = i[0]
        else:
            raise NotImplementedError(f"onnx_reference: op {op} (node {node.name})")
        env[node.output[0]] = y
    return {o.name: env[o.name].numpy() for o in model.graph.output}
