"""The native peer of `npm run bench` (bench/peers/pytorch.ts runs it): the same MLP training step in PyTorch
on the CPU, dense and masked (each hidden-layer weight multiplied by a fixed 0/1 mask in the forward pass: what
"sparse training" costs in PyTorch without sparse kernels), on one thread and on two.

Same model, batch, optimizer and protocol as bench/trainingStep.ts: MLP with ReLU, softmax cross-entropy, SGD
with momentum 0.9 (lr 0.01), random inputs; two warm-up steps per case, then rounds of one sample of
consecutive steps per case in turn (dense, masked, dense, ...; up to `steps`, fewer when a step is slow, so
that a sample takes about half a second), so a drift in machine speed hits both. Prints one JSON object: every
case's median single-step ms, mean ms and per-round sample means, and the BLAS library torch loaded (Debian's
torch uses whatever libblas.so.3 points to: the reference BLAS is about 50 times slower than OpenBLAS).

    python3 pytorch_step.py '{"sizes": [784, 2048, 2048, 10], "batch": 128, "density": 0.1,
                             "rounds": 5, "steps": 10, "threads": [1, 2]}'
"""
import json
import statistics
import sys
import time

import torch


def build(sizes, density, generator):
    """The MLP's weights and biases (He-normal), with a fixed mask of the given density on the hidden layers."""
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        weight = (torch.randn(fan_out, fan_in, generator=generator) * (2.0 / fan_in) ** 0.5).requires_grad_()
        bias = torch.zeros(fan_out, requires_grad=True)
        hidden = i < len(sizes) - 2
        mask = (torch.rand(fan_out, fan_in, generator=generator) < density).float() if hidden else None
        layers.append((weight, bias, mask))
    return layers


def stepper(sizes, batch, density, masked, seed):
    generator = torch.Generator().manual_seed(seed)
    layers = build(sizes, density, generator)
    x = torch.rand(batch, sizes[0], generator=generator)
    labels = torch.randint(0, sizes[-1], (batch,), generator=generator)
    parameters = [p for weight, bias, _ in layers for p in (weight, bias)]
    optimizer = torch.optim.SGD(parameters, lr=0.01, momentum=0.9)

    def step():
        h = x
        for i, (weight, bias, mask) in enumerate(layers):
            w = weight * mask if masked and mask is not None else weight
            h = torch.nn.functional.linear(h, w, bias)
            if i < len(layers) - 1:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, labels)
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def loaded_blas():
    """The path of the BLAS shared library mapped into this process (Linux), or 'unknown'."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "unknown"


def main():
    options = json.loads(sys.argv[1])
    sizes, batch, density = options["sizes"], options["batch"], options["density"]
    rounds, steps = options["rounds"], options["steps"]
    cases = []
    for threads in options["threads"]:
        for masked in (False, True):
            cases.append({"case": "masked" if masked else "dense", "threads": threads,
                          "step": stepper(sizes, batch, density, masked, 1)})
    slowest = 0.0
    for case in cases:
        torch.set_num_threads(case["threads"])
        case["step"]()
        start = time.perf_counter()
        case["step"]()
        slowest = max(slowest, time.perf_counter() - start)
        case["times"], case["sampleMeans"] = [], []
    steps = max(1, min(steps, round(0.5 / slowest)))
    for _ in range(rounds):
        for case in cases:
            torch.set_num_threads(case["threads"])
            total = 0.0
            for _ in range(steps):
                start = time.perf_counter()
                case["step"]()
                ms = (time.perf_counter() - start) * 1000
                case["times"].append(ms)
                total += ms
            case["sampleMeans"].append(total / steps)
    print(json.dumps({
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "blas": loaded_blas(),
        "stepsPerSample": steps,
        "cases": [{
            "case": c["case"],
            "threads": c["threads"],
            "stepMsMedian": statistics.median(c["times"]),
            "stepMsMean": statistics.fmean(c["times"]),
            "sampleMeans": c["sampleMeans"],
        } for c in cases],
    }))


if __name__ == "__main__":
    main()
