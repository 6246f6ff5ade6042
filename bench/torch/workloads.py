"""The PyTorch side of `npm run bench -- --compare torch` (bench/compare-torch.ts).

A worker that answers one JSON request per line on stdin with one JSON line on stdout. The Node side
writes every workload's data, parameters and direction as raw little-endian float64 files plus a
manifest, so both sides compute the same functions of the same numbers:

  {"cmd": "info"}                         torch version, threads, the BLAS/LAPACK libraries mapped
  {"cmd": "load", "manifest": PATH}       builds every workload of the manifest
  {"cmd": "check", "workload": ID}        loss, gradient, H·v and (if a Hessian task exists) H at θ₀,
                                          for the Node side to compare with its own
  {"cmd": "time", "workload": ID, "task": NAME, "samples": S, "batch": B}
                                          S samples, each the CPU and wall time of B calls, per call (ms)

Definitions mirror models/: θ is flat, layer by layer, W (out×in, row-major) then b; z = a·Wᵀ + b,
hidden layers apply the activation, the output layer is linear; sse = Σ(f−y)², mse = sse/(n·d),
softmax-ce-mean = −Σ y·log softmax(f) / n, plus l2·‖θ‖². One intra-op thread (torch.set_num_threads(1)).
HVP at a new θ is double backprop from scratch; at a fixed θ the gradient graph is built once and only
the second backward pass is timed per product; the full Hessian is torch.autograd.functional.hessian
(vectorised over unit vectors with vmap where that is faster, as chosen in `HESSIAN_VECTORIZE`).
"""

import json
import sys
import time

import numpy as np
import torch

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
        self.v = read(files["v"], self.dtype)
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
}


def blas_libraries():
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if any(tag in path.lower() for tag in ("blas", "lapack", "mkl")):
                libs.add(path)
    return sorted(libs)


def main():
    workloads = {}
    for line in sys.stdin:
        request = json.loads(line)
        cmd = request["cmd"]
        if cmd == "info":
            # Run a product first so that a lazily loaded BLAS is mapped.
            torch.ones(2, 2, dtype=torch.float64) @ torch.ones(2, 2, dtype=torch.float64)
            torch.linalg.eigvalsh(torch.eye(2, dtype=torch.float64))
            reply = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries(), "python": sys.version.split()[0]}
        elif cmd == "load":
            with open(request["manifest"]) as f:
                manifest = json.load(f)
            for spec in manifest["workloads"]:
                workloads[spec["id"]] = MlpWorkload(spec) if spec["kind"] == "mlp" else MatrixWorkload(spec)
            reply = {"loaded": len(workloads)}
        elif cmd == "check":
            reply = workloads[request["workload"]].check(request.get("hessian", False))
        elif cmd == "time":
            w = workloads[request["workload"]]
            task = TASKS[request["task"]]
            batch = request["batch"]
            task(w)  # warm-up (and the fixed-θ graph)
            cpu, wall = [], []
            for _ in range(request["samples"]):
                c0, t0 = time.process_time(), time.perf_counter()
                for _ in range(batch):
                    task(w)
                cpu.append((time.process_time() - c0) * 1e3 / batch)
                wall.append((time.perf_counter() - t0) * 1e3 / batch)
            reply = {"cpuMs": cpu, "wallMs": wall}
        else:
            reply = {"error": f"unknown command {cmd}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
