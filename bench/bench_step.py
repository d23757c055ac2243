"""How fast is nnlit's training step? Four figures from one run.

1. one nnlit training step (forward, backward, SGD update) of an MLP 784-256-256-10
   (relu hidden layers, softmax output with cross-entropy) on a batch of 256, float64;
2. the floor: the eight matrix products that step must do, in bare numpy;
3. the same step in PyTorch on the CPU, float64, if torch is installed;
4. the speed-up of one vectorized Dense layer (784 -> 256, relu) over a loop on examples.

Each time is the median of 21 `timeit` repeats, interleaved with the time it is compared
with. Run: python bench/bench_step.py (OPENBLAS_NUM_THREADS=1 for a single-threaded figure).
"""

from __future__ import annotations

import os
import statistics
import timeit

import numpy as np

from nnlit.layers import Dense
from nnlit.network import MLP
from nnlit.optim import SGD

SIZES, BATCH = [784, 256, 256, 10], 256


def paired_times(a, b, number: int, repeat: int = 21) -> tuple[float, float, float]:
    """Median times of one call of `a` and of `b`, and the median of their ratio a/b.

    Their runs alternate, so a change in the machine's load (other processes on
    shared cores) affects both alike and the ratio stays fair.
    """
    a(), b()                                               # warm up
    pairs = [(timeit.timeit(a, number=number) / number, timeit.timeit(b, number=number) / number)
             for _ in range(repeat)]
    t_a, t_b = (statistics.median(times) for times in zip(*pairs))
    return t_a, t_b, statistics.median(x / y for x, y in pairs)


def data(rng):
    X = rng.standard_normal((SIZES[0], BATCH))
    Y = np.eye(SIZES[-1])[:, rng.integers(0, SIZES[-1], BATCH)]
    return X, Y


def nnlit_step(X, Y):
    model = MLP(SIZES, ("relu", "softmax"), "categorical_cross_entropy", seed=0)
    opt = SGD(0.01)

    def step():
        model.forward(X, training=True)
        opt.step(model.params, model.backward(Y))

    return step


def matmul_floor(X, rng):
    """The products of forward (W A), backward (dZ A^T for every layer, W^T dZ above the first)."""
    W = [rng.standard_normal((n, p)) for p, n in zip(SIZES, SIZES[1:])]
    A = [X] + [rng.standard_normal((n, BATCH)) for n in SIZES[1:]]
    dZ = [rng.standard_normal((n, BATCH)) for n in SIZES[1:]]

    def products():
        for l in range(3):
            W[l] @ A[l]                                    # Z = W A_prev
        for l in range(3):
            dZ[l] @ A[l].T                                 # dW = dZ A_prev^T
        for l in (1, 2):
            W[l].T @ dZ[l]                                 # dA_prev = W^T dZ (not for the input)

    return products


def torch_step(X, Y):
    import torch

    torch.manual_seed(0)
    layers = [torch.nn.Linear(p, n, dtype=torch.float64) for p, n in zip(SIZES, SIZES[1:])]
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(), layers[2])
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.from_numpy(X.T.copy())                       # torch is row-major: one row per example
    y = torch.from_numpy(Y.argmax(axis=0))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step, torch.get_num_threads()


def one_layer_speedup(X):
    layer = Dense(SIZES[0], SIZES[1], "relu", rng=0)

    def vectorized():
        return layer.forward(X)

    def loop():
        return np.hstack([np.maximum(layer.W @ X[:, i:i + 1] + layer.b, 0.0) for i in range(X.shape[1])])

    np.testing.assert_allclose(loop(), vectorized(), rtol=1e-12, atol=1e-12)
    return paired_times(loop, vectorized, number=3, repeat=9)


def main():
    rng = np.random.default_rng(0)
    X, Y = data(rng)
    step = nnlit_step(X, Y)
    t_step, t_floor, ratio = paired_times(step, matmul_floor(X, rng), number=10)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float64, numpy {np.__version__}, "
          f"{os.cpu_count()} cores, OPENBLAS_NUM_THREADS={threads}")
    print(f"1. nnlit training step:          {t_step * 1e3:8.2f} ms")
    print(f"2. matrix-product floor:         {t_floor * 1e3:8.2f} ms   nnlit / floor = {ratio:.2f} (median of paired runs)")
    try:
        reference, torch_threads = torch_step(X, Y)
    except ImportError:
        print("3. PyTorch CPU step:             skipped (torch is not installed)")
    else:
        _, t_torch, _ = paired_times(step, reference, number=10)
        print(f"3. PyTorch CPU step ({torch_threads} threads): {t_torch * 1e3:6.2f} ms   "
              f"nnlit / torch = {t_step / t_torch:.2f}")
    t_loop, t_vec, speedup = one_layer_speedup(X)
    print(f"4. one layer 784->256, relu, forward: loop over examples {t_loop * 1e3:.2f} ms, "
          f"vectorized {t_vec * 1e3:.2f} ms, speed-up {speedup:.1f}x")


if __name__ == "__main__":
    main()
