"""The PyTorch side of `npm run bench -- --compare torch` (bench/torch-compare.ts, bench/torch-worker.ts).

A worker that answers one JSON request per line on stdin with one JSON line on stdout. The Node side
writes every workload's data, parameters and direction as raw little-endian float64 files plus a
manifest, so both sides compute the same functions of the same numbers:

  {"cmd": "info"}                         torch version, threads, the paths of the mapped files (the
                                          Node side finds the BLAS/LAPACK among them)
  {"cmd": "load", "manifest": PATH}       builds every workload of the manifest
  {"cmd": "check", "workload": ID}        loss, gradient, H·v and (if a Hessian task exists) H at θ₀,
                                          or the workload's own checked quantities, for the Node side
                                          to compare with its own
  {"cmd": "time", "workload": ID, "task": NAME, "samples": S, "batch": B}
                                          S samples, each the CPU and wall time of B calls, per call (ms)

A reply carries "warnings" (the Python warnings raised while answering) when there were any, and a
failed request is answered {"error": traceback}. Only replies reach stdout: file descriptor 1 is
pointed at stderr on start, so that nothing a library prints (from Python or C) can break a reply line.

Definitions mirror models/: θ is flat, layer by layer, W (out×in, row-major) then b; z = a·Wᵀ + b,
hidden layers apply the activation, the output layer is linear; sse = Σ(f−y)², mse = sse/(n·d),
softmax-ce-mean = −Σ y·log softmax(f) / n, plus l2·‖θ‖². One intra-op thread (torch.set_num_threads(1)).
HVP at a new θ is double backprop from scratch; at a fixed θ the gradient graph is built once and only
the second backward pass is timed per product; the full Hessian is torch.autograd.functional.hessian
(vectorised over unit vectors with vmap where that is faster, as chosen in `HESSIAN_VECTORIZE`).
The Newton step of Newton-MR is the gradient with its graph kept, then MINRES-QLP (minres_qlp.py, the
mirror of numerics/minres-qlp.ts) on Hp = −g with those fixed-θ products.
"""

import json
import os
import sys
import time
import traceback
import warnings

import numpy as np
import torch

from minres_qlp import minres_qlp

torch.set_num_threads(1)

# vmap-vectorised Hessians are faster for these sizes in torch 1.13 (measured), so the peer gets them.
HESSIAN_VECTORIZE = True

ACTIVATIONS = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "swish": torch.nn.functional.silu,
    "identity": lambda z: z,
}


def read(path, dtype):
    return torch.from_numpy(np.fromfile(path, dtype="<f8")).to(dtype)


def data_loss(kind, f, y):
    n = f.shape[0]
    if kind == "sse":
        return ((f - y) ** 2).sum()
    if kind == "mse":
        return ((f - y) ** 2).mean()
    if kind == "softmax-ce-sum":
        return -(y * torch.log_softmax(f, dim=1)).sum()
    if kind == "softmax-ce-mean":
        return -(y * torch.log_softmax(f, dim=1)).sum() / n
    raise ValueError(f"loss {kind} is not mirrored here")


class MlpWorkload:
    def __init__(self, spec):
        self.dtype = torch.float64 if spec["dtype"] == "float64" else torch.float32
        files = spec["files"]
        widths = spec["widths"]
        self.n = spec["n"]
        self.x = read(files["x"], self.dtype).view(self.n, widths[0])
        self.y = read(files["y"], self.dtype).view(self.n, widths[-1])
        self.thetas = [read(files["theta0"], self.dtype), read(files["theta1"], self.dtype)]
        self.v = read(files["v"], self.dtype) if "v" in files else None
        self.activation = ACTIVATIONS[spec["activation"]]
        self.loss_kind = spec["loss"]
        self.l2 = spec.get("l2", 0.0)
        self.layers = []
        offset = 0
        for i, o in zip(widths[:-1], widths[1:]):
            w = (offset, o, i)
            offset += o * i
            b = None
            if spec["bias"]:
                b = (offset, o)
                offset += o
            self.layers.append((w, b))
        assert offset == self.thetas[0].numel(), "parameter count differs from the Node side"
        self.turn = 0
        self.fixed = None

    def objective(self, theta):
        a = self.x
        last = len(self.layers) - 1
        for l, ((wo, o, i), b) in enumerate(self.layers):
            w = theta[wo : wo + o * i].view(o, i)
            a = torch.addmm(theta[b[0] : b[0] + b[1]], a, w.t()) if b else a @ w.t()
            if l < last:
                a = self.activation(a)
        loss = data_loss(self.loss_kind, a, self.y)
        if self.l2:
            loss = loss + self.l2 * (theta * theta).sum()
        return loss

    def next_theta(self):
        self.turn ^= 1
        return self.thetas[self.turn]

    def loss(self):
        with torch.no_grad():
            return self.objective(self.next_theta()).item()

    def gradient(self):
        theta = self.next_theta().clone().requires_grad_(True)
        loss = self.objective(theta)
        (g,) = torch.autograd.grad(loss, theta)
        return g

    def hvp_at(self, theta0):
        theta = theta0.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(self.objective(theta), theta, create_graph=True)
        (hv,) = torch.autograd.grad(g, theta, self.v)
        return hv

    def hvp(self):
        return self.hvp_at(self.next_theta())

    def hvp_fixed(self):
        if self.fixed is None:
            theta = self.thetas[0].clone().requires_grad_(True)
            (g,) = torch.autograd.grad(self.objective(theta), theta, create_graph=True)
            self.fixed = (theta, g)
        theta, g = self.fixed
        (hv,) = torch.autograd.grad(g, theta, self.v, retain_graph=True)
        return hv

    def hessian(self):
        return torch.autograd.functional.hessian(self.objective, self.next_theta(), vectorize=HESSIAN_VECTORIZE)

    def check(self, want_hessian):
        theta = self.thetas[0].clone().requires_grad_(True)
        loss = self.objective(theta)
        (g,) = torch.autograd.grad(loss, theta)
        out = {"loss": loss.item(), "gradient": g.tolist(), "hvp": self.hvp_at(self.thetas[0]).tolist()}
        if want_hessian:
            out["hessian"] = torch.autograd.functional.hessian(self.objective, self.thetas[0], vectorize=HESSIAN_VECTORIZE).flatten().tolist()
        return out


class NewtonStepWorkload(MlpWorkload):
    """The Newton step of one Newton-MR iteration at θ: g = ∇L(θ), then MINRES-QLP on Hp = −g.

    check: the solve stopped after `checkSteps` Lanczos steps (all of its result) and the timed solve's
    flag and step counts; bench/torch-workloads.ts says why the long solve's p is not compared.
    """

    def __init__(self, spec):
        super().__init__(spec)
        self.minres = spec["minres"]
        self.check_steps = spec["checkSteps"]

    def step(self, theta0, maxit=None):
        theta = theta0.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(self.objective(theta), theta, create_graph=True)

        def apply(v):
            (hv,) = torch.autograd.grad(g, theta, v, retain_graph=True)
            return hv

        return minres_qlp(apply, -g.detach(), **{**self.minres, **({"maxit": maxit} if maxit else {})})

    def run(self):
        return self.step(self.next_theta())

    def check(self, _):
        short = self.step(self.thetas[0], self.check_steps)
        timed = self.step(self.thetas[0])
        out = {f"short {k}": short[k] for k in ("flag", "iterations", "residualNorm", "normalResidualNorm", "anorm", "acond", "xnorm")}
        out["short x"] = short["x"].tolist()
        out.update({k: timed[k] for k in ("flag", "iterations", "qlpIterations")})
        return out


class MatrixWorkload:
    """matmul: C = A·B (m×k · k×n). gram-spectrum: eigenvalues of G = X·Xᵀ for X n×d."""

    def __init__(self, spec):
        self.kind = spec["kind"]
        f = spec["files"]
        if self.kind == "matmul":
            m, n, k = spec["m"], spec["n"], spec["k"]
            self.a = read(f["a"], torch.float64).view(m, k)
            self.b = read(f["b"], torch.float64).view(k, n)
        else:
            self.x = read(f["x"], torch.float64).view(spec["n"], spec["d"])

    def run(self):
        if self.kind == "matmul":
            return self.a @ self.b
        return torch.linalg.eigvalsh(self.x @ self.x.t())

    def check(self, _):
        return {"values": self.run().flatten().tolist()}


TASKS = {
    "loss": lambda w: w.loss(),
    "gradient": lambda w: w.gradient(),
    "hvp": lambda w: w.hvp(),
    "hvp at a fixed θ": lambda w: w.hvp_fixed(),
    "hessian": lambda w: w.hessian(),
    "run": lambda w: w.run(),
    "newton step": lambda w: w.run(),
}

WORKLOADS = {"mlp": MlpWorkload, "newton-mr-step": NewtonStepWorkload, "matmul": MatrixWorkload, "gram-spectrum": MatrixWorkload}


def mapped_files():
    """The paths of the files mapped into this process (/proc/self/maps), each once."""
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith("/"):
                paths.add(fields[5].strip())
    return sorted(paths)


def answer(request, workloads):
    cmd = request["cmd"]
    if cmd == "info":
        # Run a product and a symmetric eigensolve first so that a lazily loaded BLAS/LAPACK is mapped.
        torch.ones(2, 2, dtype=torch.float64) @ torch.ones(2, 2, dtype=torch.float64)
        torch.linalg.eigvalsh(torch.eye(2, dtype=torch.float64))
        return {"torch": torch.__version__, "threads": torch.get_num_threads(), "mapped": mapped_files(), "python": sys.version.split()[0]}
    if cmd == "load":
        with open(request["manifest"]) as f:
            manifest = json.load(f)
        for spec in manifest["workloads"]:
            workloads[spec["id"]] = WORKLOADS[spec["kind"]](spec)
        return {"loaded": len(workloads)}
    if cmd == "check":
        return workloads[request["workload"]].check(request.get("hessian", False))
    if cmd == "time":
        w = workloads[request["workload"]]
        task = TASKS[request["task"]]
        batch = request["batch"]
        cpu, wall = [], []
        for _ in range(request["samples"]):
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(batch):
                task(w)
            cpu.append((time.process_time() - c0) * 1e3 / batch)
            wall.append((time.perf_counter() - t0) * 1e3 / batch)
        return {"cpuMs": cpu, "wallMs": wall}
    return {"error": f"unknown command {cmd}"}


def main():
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    workloads = {}
    for line in sys.stdin:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            try:
                reply = answer(json.loads(line), workloads)
            except Exception:
                reply = {"error": traceback.format_exc()}
        if caught:
            reply["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
