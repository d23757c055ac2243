"""How fast is nnlit's training step? Four figures from one run.

1. one nnlit training step (forward, backward, SGD update) of an MLP 784-256-256-10
   (relu hidden layers, softmax output with cross-entropy) on a batch of 256, float64;
2. the floor: the eight matrix products that step must do, in bare numpy;
3. the same step in PyTorch on the CPU, float64, if torch is installed;
4. the speed-up of one vectorized Dense layer (784 -> 256, relu) over a loop on examples.

Each time is the median of several `timeit` repeats. Run: python bench/bench_step.py
"""

from __future__ import annotations

import statistics
import timeit

import numpy as np

from nnlit.layers import Dense
from nnlit.network import MLP
from nnlit.optim import SGD

SIZES, BATCH = [784, 256, 256, 10], 256


def median_time(fn, number: int, repeat: int = 7) -> float:
    """The median over `repeat` runs of the time of one call, in seconds."""
    fn()                                                   # warm up
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


def paired_times(step, floor, number: int, repeat: int = 21) -> tuple[float, float, float]:
    """Median times of `step` and `floor` and the median of their ratio, their runs interleaved
    so that a change in the machine's load (other processes) affects both alike."""
    step(), floor()
    pairs = []
    for _ in range(repeat):
        pairs.append((timeit.timeit(step, number=number) / number, timeit.timeit(floor, number=number) / number))
    t_step, t_floor = (statistics.median(times) for times in zip(*pairs))
    return t_step, t_floor, statistics.median(a / b for a, b in pairs)


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
    return median_time(loop, number=3), median_time(vectorized, number=30)


def main():
    rng = np.random.default_rng(0)
    X, Y = data(rng)
    t_step, t_floor, ratio = paired_times(nnlit_step(X, Y), matmul_floor(X, rng), number=10)
    print(f"MLP {'-'.join(map(str, SIZES))}, batch {BATCH}, float64, numpy {np.__version__}")
    print(f"1. nnlit training step:          {t_step * 1e3:8.2f} ms")
    print(f"2. matrix-product floor:         {t_floor * 1e3:8.2f} ms   nnlit / floor = {ratio:.2f} (median of paired runs)")
    try:
        step, threads = torch_step(X, Y)
    except ImportError:
        print("3. PyTorch CPU step:             skipped (torch is not installed)")
    else:
        t_torch = median_time(step, number=20)
        print(f"3. PyTorch CPU step ({threads} threads): {t_torch * 1e3:6.2f} ms   nnlit / torch = {t_step / t_torch:.2f}")
    t_loop, t_vec = one_layer_speedup(X)
    print(f"4. one layer 784->256, relu:     loop {t_loop * 1e3:.2f} ms, vectorized {t_vec * 1e3:.3f} ms, "
          f"speed-up {t_loop / t_vec:.0f}x")


if __name__ == "__main__":
    main()
