"""frost's training random numbers (runtime/src/train/rng.hpp), reimplemented in Python.

PyTorch gets the same initial head and the same sample orders as the C++ trainer from
this; the C++ test checks that both sides drew the same numbers.
"""
import math

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
STREAM_INIT, STREAM_SPLIT, STREAM_ORDER, STREAM_DROPOUT = 1, 2, 3, 4


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def stream_id(kind, index=0):
    return (kind << 32) | index


class Rng:
    def __init__(self, seed, stream):
        x = (seed ^ _mix((stream + GOLDEN) & MASK)) & MASK
        self.s = []
        for _ in range(4):
            x = (x + GOLDEN) & MASK
            self.s.append(_mix(x))

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def uniform(self):
        return np.float32(self.next() >> 40) * np.float32(1.0 / 16777216.0)

    def below(self, n):
        return (self.next() * n) >> 64

    def shuffle(self, values):
        for i in range(len(values), 1, -1):
            j = self.below(i)
            values[i - 1], values[j] = values[j], values[i - 1]


def init_head(seed, layers):
    """nn.Linear-style init of [(in, out), ...]: weights [out, in] and biases, float32."""
    rng = Rng(seed, stream_id(STREAM_INIT))
    params = []
    for fan_in, fan_out in layers:
        bound = np.float32(1.0 / math.sqrt(fan_in))
        values = np.empty(fan_out * (fan_in + 1), dtype=np.float32)
        for i in range(values.size):
            values[i] = (np.float32(2.0) * rng.uniform() - np.float32(1.0)) * bound
        params.append(values[: fan_out * fan_in].reshape(fan_out, fan_in))
        params.append(values[fan_out * fan_in:])
    return params


def epoch_order(n, seed, epoch):
    """The order of epoch `epoch` without balancing: a shuffle of range(n)."""
    rng = Rng(seed, stream_id(STREAM_ORDER, epoch))
    order = list(range(n))
    rng.shuffle(order)
    return order
