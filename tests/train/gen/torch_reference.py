"""PyTorch reference for frost's trainer: the same head, initial weights, sample order and
hyper-parameters trained with torch.nn / torch.optim, per-epoch losses written as JSON.

    /usr/bin/python3 torch_reference.py OUT_DIR

Writes to OUT_DIR: train_x.npy (600 x 64 float32), train_y.npy, val_x.npy (200 x 64),
val_y.npy (a seeded synthetic 5-class set, imbalanced), and reference.json: for each case
its TrainConfig fields (frost's names), per epoch the train loss/accuracy and validation
loss/accuracy, plus <case>_init.npy (the initial parameters, flattened in frost's order)
and <case>_orders.npy (epochs x samples) so that the C++ test can check that both sides
started from the same head and visited the samples in the same order.

The initial head and the orders come from frost_rng.py, a Python transcription of
frost's generator; the learning rate is set per epoch from the closed forms in
frost/train.hpp, which check_schedules() first compares with torch's own schedulers.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import frost_rng

CLASSES = 5
DIM = 64
TRAIN_COUNTS = [180, 150, 120, 90, 60]
VAL_COUNTS = [60, 50, 40, 30, 20]

# TrainConfig defaults (frost/train.hpp); every case overrides some.
DEFAULTS = dict(epochs=20, batch=32, optimizer="sgd", lr=0.01, momentum=None, nesterov=False,
                beta1=0.9, beta2=0.999, eps=1e-8, rmsprop_alpha=0.99, weight_decay=1e-4,
                l1=0.0, schedule="constant", warmup_epochs=0, step_size=0, step_gamma=0.1,
                exp_gamma=0.9, loss="ce", focal_gamma=2.0, label_smoothing=0.0,
                class_weights="none", hidden=0, seed=0)

CASES = [
    dict(name="sgd_nesterov", optimizer="sgd", lr=0.05, momentum=0.9, nesterov=True, seed=1),
    dict(name="sgd_l1_step", optimizer="sgd", lr=0.1, momentum=0.0, weight_decay=0.0, l1=1e-3,
         schedule="step", seed=2),
    dict(name="adam_step", optimizer="adam", lr=0.002, schedule="step", step_size=5,
         step_gamma=0.5, seed=3),
    dict(name="rmsprop_exponential", optimizer="rmsprop", lr=0.001, schedule="exponential",
         seed=4),
    dict(name="rmsprop_momentum", optimizer="rmsprop", lr=0.0005, momentum=0.5, seed=5),
    dict(name="adamw_cosine_warmup", optimizer="adamw", lr=0.003, weight_decay=0.05,
         schedule="cosine", warmup_epochs=3, seed=6),
    dict(name="label_smoothing_weights", optimizer="sgd", lr=0.05, label_smoothing=0.1,
         class_weights="auto", seed=7),
    dict(name="mlp_adam", optimizer="adam", lr=0.001, hidden=32, l1=1e-4, schedule="cosine",
         seed=8),
    dict(name="focal_weights", optimizer="sgd", lr=0.1, loss="focal", class_weights="auto",
         batch=48, seed=9),
]


def make_data(counts, centres, rng):
    x = np.concatenate([c + rng.standard_normal((n, DIM)) for c, n in zip(centres, counts)])
    y = np.concatenate([np.full(n, k) for k, n in enumerate(counts)])
    return x.astype(np.float32), y.astype(np.int64)


def learning_rate(cfg, epoch):
    """frost's per-epoch learning rate (frost/train.hpp)."""
    lr, warmup = cfg["lr"], cfg["warmup_epochs"]
    if epoch < warmup:
        return lr * (0.1 + 0.9 * epoch / warmup)
    t, span = epoch - warmup, max(1, cfg["epochs"] - warmup)
    if cfg["schedule"] == "step":
        step_size = cfg["step_size"] or max(1, span // 3)
        return lr * cfg["step_gamma"] ** (t // step_size)
    if cfg["schedule"] == "exponential":
        return lr * cfg["exp_gamma"] ** t
    if cfg["schedule"] == "cosine":
        return lr * (1 + math.cos(math.pi * t / span)) / 2
    return lr


def torch_schedule(cfg):
    """The same schedule from torch.optim.lr_scheduler, stepped once per epoch."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=cfg["lr"])
    sched = torch.optim.lr_scheduler
    span = max(1, cfg["epochs"] - cfg["warmup_epochs"])
    if cfg["schedule"] == "step":
        main = sched.StepLR(opt, cfg["step_size"] or max(1, span // 3), cfg["step_gamma"])
    elif cfg["schedule"] == "exponential":
        main = sched.ExponentialLR(opt, cfg["exp_gamma"])
    elif cfg["schedule"] == "cosine":
        main = sched.CosineAnnealingLR(opt, T_max=span, eta_min=0.0)
    else:
        main = sched.ConstantLR(opt, factor=1.0, total_iters=0)
    if cfg["warmup_epochs"]:
        # SequentialLR steps its schedulers with an epoch argument, which torch 1.13 warns about.
        warnings.filterwarnings("ignore", message="The epoch parameter")
        warm = sched.LinearLR(opt, start_factor=0.1, total_iters=cfg["warmup_epochs"])
        main = sched.SequentialLR(opt, [warm, main], milestones=[cfg["warmup_epochs"]])
    lrs = []
    for _ in range(cfg["epochs"]):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        main.step()
    return lrs


def check_schedules(configs):
    for cfg in configs:
        ours = [learning_rate(cfg, e) for e in range(cfg["epochs"])]
        theirs = torch_schedule(cfg)
        if not np.allclose(ours, theirs, rtol=1e-9, atol=1e-15):
            sys.exit("schedule %s: frost %s != torch %s" % (cfg["name"], ours, theirs))


def class_weights(cfg, y):
    if cfg["class_weights"] != "auto":
        return None
    counts = np.bincount(y, minlength=CLASSES)
    w = np.where(counts > 0, len(y) / (np.count_nonzero(counts) * np.maximum(counts, 1)), 0)
    return torch.tensor(w.astype(np.float32))


def criterion(cfg, weights):
    if cfg["loss"] == "ce":
        return torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=cfg["label_smoothing"])

    def focal(logits, y):
        logp = F.log_softmax(logits, dim=1).gather(1, y[:, None])[:, 0]
        alpha = weights[y] if weights is not None else torch.ones_like(logp)
        loss = -((1 - logp.exp()) ** cfg["focal_gamma"]) * logp
        return (alpha * loss).sum() / alpha.sum()
    return focal


def make_optimizer(cfg, weights, biases):
    groups = [dict(params=weights, weight_decay=cfg["weight_decay"]),
              dict(params=biases, weight_decay=0.0)]
    kind, lr = cfg["optimizer"], cfg["lr"]
    if kind == "sgd":
        momentum = 0.9 if cfg["momentum"] is None else cfg["momentum"]
        return torch.optim.SGD(groups, lr=lr, momentum=momentum, nesterov=cfg["nesterov"])
    if kind in ("adam", "adamw"):
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        return cls(groups, lr=lr, betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"])
    momentum = 0.0 if cfg["momentum"] is None else cfg["momentum"]
    return torch.optim.RMSprop(groups, lr=lr, alpha=cfg["rmsprop_alpha"], eps=cfg["eps"],
                               momentum=momentum)


def train(cfg, data, out_dir):
    x, y, vx, vy = (torch.from_numpy(a) for a in data)
    n = len(y)
    hidden = cfg["hidden"]
    shapes = [(DIM, hidden), (hidden, CLASSES)] if hidden else [(DIM, CLASSES)]
    init = frost_rng.init_head(cfg["seed"], shapes)
    np.save(os.path.join(out_dir, cfg["name"] + "_init.npy"),
            np.concatenate([p.ravel() for p in init]))
    linears = [torch.nn.Linear(i, o) for i, o in shapes]
    with torch.no_grad():
        for k, layer in enumerate(linears):
            layer.weight.copy_(torch.from_numpy(init[2 * k]))
            layer.bias.copy_(torch.from_numpy(init[2 * k + 1]))
    model = linears[0] if not hidden else torch.nn.Sequential(linears[0], torch.nn.ReLU(),
                                                              linears[1])
    weights = [layer.weight for layer in linears]
    opt = make_optimizer(cfg, weights, [layer.bias for layer in linears])
    loss_fn = criterion(cfg, class_weights(cfg, data[1]))
    orders, epochs = [], []
    for epoch in range(cfg["epochs"]):
        for group in opt.param_groups:
            group["lr"] = learning_rate(cfg, epoch)
        order = frost_rng.epoch_order(n, cfg["seed"], epoch)
        orders.append(order)
        loss_sum, correct = 0.0, 0
        model.train()
        for start in range(0, n, cfg["batch"]):
            idx = torch.tensor(order[start:start + cfg["batch"]])
            logits = model(x[idx])
            loss = loss_fn(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            if cfg["l1"]:
                for w in weights:
                    w.grad.add_(torch.sign(w.detach()), alpha=cfg["l1"])
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(1) == y[idx]).sum())
        model.eval()
        with torch.no_grad():
            val_logits = model(vx)
            val_loss = float(loss_fn(val_logits, vy))
            val_correct = int((val_logits.argmax(1) == vy).sum())
        epochs.append(dict(train_loss=loss_sum / n, train_accuracy=correct / n,
                           val_loss=val_loss, val_accuracy=val_correct / len(vy)))
    np.save(os.path.join(out_dir, cfg["name"] + "_orders.npy"), np.array(orders, dtype=np.int32))
    return epochs


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    rng = np.random.default_rng(2024)
    centres = 0.25 * rng.standard_normal((CLASSES, DIM))
    data = make_data(TRAIN_COUNTS, centres, rng) + make_data(VAL_COUNTS, centres, rng)
    for name, array in zip(["train_x", "train_y", "val_x", "val_y"], data):
        np.save(os.path.join(out_dir, name + ".npy"), array)
    configs = [dict(DEFAULTS, **case) for case in CASES]
    check_schedules(configs)
    results = []
    for cfg in configs:
        epochs = train(cfg, data, out_dir)
        print("%-26s final train loss %.5f, val accuracy %.3f" %
              (cfg["name"], epochs[-1]["train_loss"], epochs[-1]["val_accuracy"]))
        results.append(dict(config=cfg, epochs=epochs))
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
