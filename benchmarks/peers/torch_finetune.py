"""PyTorch peer of `frost finetune` for the fine-tuning benchmark (issue 3).

The job: a new 10-way linear head on the frozen pretrained CIFAR ResNet-20, trained on
the first PER_CLASS images of each class of an image folder (sorted file names), 30
epochs of SGD (lr 0.01, momentum 0.9, weight decay 1e-4, cosine), batch 32. Two ways:

  train --mode ordinary     what a PyTorch user writes first: ImageFolder + transforms +
                            DataLoader, every epoch decodes the JPEGs with PIL and runs the
                            frozen backbone (eval mode, requires_grad False) in the loop
  train --mode precomputed  decode + backbone once (no_grad, batched) into a [N, 64] feature
                            tensor, then 30 epochs over that tensor (shuffled slices, no
                            DataLoader: the fastest plain-PyTorch loop there is)
  eval                      top-1 of a tuned model on the training images and on images
                            PER_CLASS..2*PER_CLASS-1 of each class (the held-out half);
                            untimed by the benchmark

`train` writes the tuned network (backbone + new head) with torch.save, as frost writes its
tuned .frost file, and prints one JSON line. The benchmark driver times the whole process.
Usage: /usr/bin/python3 torch_finetune.py train --mode ordinary --out tuned.pt [options]
       /usr/bin/python3 torch_finetune.py eval --model tuned.pt [options]
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

# The repository's sibling folder ../shared/assets (this file: REPO/benchmarks/peers/).
ASSETS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                       "..", "..", "..", "shared", "assets"))
# The assets README: RGB/255, then ImageNet mean and std (what the ONNX export expects).
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


# --- CIFAR ResNet-20 as in akamaster/pytorch_resnet_cifar10 (the weights' own code) ---

class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        # "Option A" shortcut: every second pixel, channels zero-padded (no weights).
        self.pad = (planes - in_planes) // 2 if (stride != 1 or in_planes != planes) else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.pad is None:
            shortcut = x
        else:
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + shortcut)


class CifarResNet(nn.Module):
    def __init__(self, blocks_per_stage=3, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        stages, in_planes = [], 16
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            blocks = []
            for b in range(blocks_per_stage):
                blocks.append(BasicBlock(in_planes, planes, stride if b == 0 else 1))
                in_planes = planes
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = stages
        self.linear = nn.Linear(64, classes)

    def features(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return F.adaptive_avg_pool2d(out, 1).flatten(1)

    def forward(self, x):
        return self.linear(self.features(x))


def pretrained_resnet20(weights):
    checkpoint = torch.load(weights, map_location="cpu")
    state = {k.removeprefix("module."): v for k, v in checkpoint["state_dict"].items()}
    model = CifarResNet()
    model.load_state_dict(state)
    return model


# --- data: the image folder, split by position within each class ---

def image_subset(root, first, count):
    """ImageFolder (classes sorted, files sorted) restricted to files first..first+count-1
    of every class."""
    folder = torchvision.datasets.ImageFolder(
        root, transform=T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)]))
    seen, keep = {}, []
    for i, (_, label) in enumerate(folder.samples):
        position = seen.get(label, 0)
        seen[label] = position + 1
        if first <= position < first + count:
            keep.append(i)
    if len(keep) != count * len(folder.classes):
        sys.exit(f"torch_finetune: {root} has fewer than {first + count} images in some class")
    return torch.utils.data.Subset(folder, keep), len(folder.classes)


def train(args):
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    data, classes = image_subset(args.data, 0, args.per_class)
    model = pretrained_resnet20(args.weights)
    for p in model.parameters():
        p.requires_grad = False
    model.eval()  # frozen backbone: BatchNorm keeps its running statistics
    model.linear = nn.Linear(64, classes)  # new head, trainable
    head = model.linear
    # Weight decay on the weight only, not the bias (the usual two groups; frost does the same).
    optimizer = torch.optim.SGD([{"params": [head.weight], "weight_decay": args.weight_decay},
                                 {"params": [head.bias], "weight_decay": 0.0}],
                                lr=args.lr, momentum=args.momentum)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    phases = {}

    if args.mode == "ordinary":
        loader = torch.utils.data.DataLoader(data, batch_size=args.batch, shuffle=True,
                                             num_workers=args.workers)
        def batches():
            for x, y in loader:
                yield model(x), y  # backbone + head; autograd records only the head
        run_epoch = batches
    else:
        t = time.perf_counter()
        loader = torch.utils.data.DataLoader(data, batch_size=args.feature_batch,
                                             num_workers=args.workers)
        features, labels = [], []
        with torch.no_grad():
            for x, y in loader:
                features.append(model.features(x))
                labels.append(y)
        features, labels = torch.cat(features), torch.cat(labels)
        phases["features_s"] = round(time.perf_counter() - t, 3)
        def batches():
            order = torch.randperm(len(labels))
            for b in range(0, len(order), args.batch):
                i = order[b:b + args.batch]
                yield head(features[i]), labels[i]
        run_epoch = batches

    t = time.perf_counter()
    for epoch in range(args.epochs):
        correct = seen = 0
        loss_sum = 0.0
        for logits, y in run_epoch():
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            loss_sum += loss.item() * len(y)
        scheduler.step()
    phases["epochs_s"] = round(time.perf_counter() - t, 3)
    torch.save(model.state_dict(), args.out + ".tmp")  # whole tuned network, written atomically
    os.replace(args.out + ".tmp", args.out)
    print(json.dumps({
        "job": f"torch {args.mode}", "images": len(data), "epochs": args.epochs,
        "threads": torch.get_num_threads(),
        "seconds_in_script": round(time.perf_counter() - start, 3),
        **phases, "final_epoch_train_accuracy": correct / seen, "final_epoch_loss": loss_sum / seen,
    }), flush=True)


def evaluate(args):
    """Top-1 of the tuned network on the training images and on the held-out ones."""
    model = None
    result = {"model": args.model}
    for name, first in (("train", 0), ("heldout", args.per_class)):
        data, classes = image_subset(args.data, first, args.per_class)
        if model is None:
            model = CifarResNet(classes=classes)
            model.load_state_dict(torch.load(args.model, map_location="cpu"))
            model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in torch.utils.data.DataLoader(data, batch_size=args.feature_batch):
                correct += (model(x).argmax(1) == y).sum().item()
        result[name + "_samples"] = len(data)
        result[name + "_accuracy"] = correct / len(data)
    print(json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["train", "eval"])
    parser.add_argument("--mode", choices=["ordinary", "precomputed"], default="ordinary")
    parser.add_argument("--out", help="train: where the tuned network goes (torch.save)")
    parser.add_argument("--model", help="eval: a network written by train")
    parser.add_argument("--data", default=os.path.join(ASSETS, "cifar10-test"))
    parser.add_argument("--weights", default=os.path.join(ASSETS, "weights", "akamaster",
                                                          "resnet20-12fca82f.th"))
    parser.add_argument("--per-class", type=int, default=500,
                        help="train on the first N images of each class, evaluate on the next N")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--feature-batch", type=int, default=250,
                        help="batch of the one backbone pass (precomputed, eval)")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads (0 = every CPU this process may use)")
    args = parser.parse_args()
    # Debian's torch starts with one thread; the benchmark gives every job all cores.
    torch.set_num_threads(args.threads or len(os.sched_getaffinity(0)))
    if args.command == "train":
        if not args.out:
            parser.error("train needs --out")
        train(args)
    else:
        if not args.model:
            parser.error("eval needs --model")
        evaluate(args)


if __name__ == "__main__":
    main()
