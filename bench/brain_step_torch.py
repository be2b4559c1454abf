"""The default brain (src/layers/brain/ArithmeticBrain.ts) written again in PyTorch, for
bench/brain-step.ts: same parameters (names, shapes, order), same units, the same
gather / concat per height level, fed the featurized index arrays that TypeScript dumped.

  python3 bench/brain_step_torch.py DUMP.json check            # equivalence with our numbers
  python3 bench/brain_step_torch.py DUMP.json bench WARMUP RUNS # ms per training step

One step = zero_grad, forward, numericObjective, backward, clip_grad_norm_(1), Adam step,
with torch.set_num_threads(1), in float64 and float32. Prints one JSON object.
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)

K = 4  # units: affine, product, power-product, exponent
LOG_FLOOR = 1e-12
EXP_LIMIT = 50.0


class EmbeddingMap(nn.Module):
    """e·W + b."""

    def __init__(self, d, k):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d, k))
        self.bias = nn.Parameter(torch.empty(1, k))

    def forward(self, e):
        return e @ self.weight + self.bias


class HeadMap(nn.Module):
    """A unit's own head-embedding table, mapped linearly."""

    def __init__(self, heads, d, k):
        super().__init__()
        self.embedding = nn.Parameter(torch.empty(heads, d))
        self.map = EmbeddingMap(d, k)

    def forward(self, head_rows):
        return self.map(self.embedding[head_rows])

    def table(self):
        """The map of every head row [H, k]."""
        return self.map(self.embedding)


def hard_sigmoid(x):
    return torch.clamp(0.5 + 0.25 * x, 0.0, 1.0)


def log_abs_safe(x):
    return torch.log(torch.clamp(torch.abs(x), LOG_FLOOR, min(1e300, torch.finfo(x.dtype).max)))


def gated_factor(m, x):
    """m·x + 1 − m."""
    return m * (x - 1) + 1


class ArithmeticBrain(nn.Module):
    """hoisted=False: every height level maps its nodes' head embeddings (gather, matmul, add
    per unit) and always computes the soft gates, as ArithmeticBrain.ts did before the
    performance work. hoisted=True: the units' maps of all head rows are computed once per
    forward ([H, 10] + the gate table only if some node is unlocked) and each level gathers
    its rows; fully locked levels use the one-hot gates as constants — the dataflow of
    ArithmeticBrain.ts now. Same values and gradients either way."""

    def __init__(self, heads, symbols, d, hoisted=True):
        super().__init__()
        self.hoisted = hoisted
        # Declaration order = TypeScript's namedParameters order.
        self.symbolEmbedding = nn.Parameter(torch.empty(symbols, d))
        self.query = nn.Parameter(torch.empty(d, d))
        self.unboundValue = EmbeddingMap(d, 1)
        self.unboundScore = EmbeddingMap(d, 1)
        self.affine = HeadMap(heads, d, 2)
        self.product = HeadMap(heads, d, 2)
        self.powers = HeadMap(heads, d, 2)
        self.signs = HeadMap(heads, d, 2)
        self.rate = HeadMap(heads, d, 1)
        self.omega = HeadMap(heads, d, 1)
        self.gate = HeadMap(heads, d, K)
        self.register_buffer("lockedPath", torch.full((heads,), -1, dtype=torch.long))

    def gates(self, head, gate_table, dtype):
        locked = self.lockedPath[head]
        mask = locked >= 0
        hard = torch.nn.functional.one_hot(locked.clamp(min=0), K).to(dtype)
        if self.hoisted:
            if bool(mask.all()):
                return hard
            soft = torch.softmax(gate_table()[head], dim=1)
        else:
            soft = torch.softmax(self.gate(head), dim=1)
        if not bool(mask.any()):
            return soft
        return torch.where(mask.unsqueeze(1), hard, soft)

    def read_symbols(self, f):
        leaves = f["symbolLeafRow"].shape[0]
        names = self.symbolEmbedding[f["symbolLeafName"]]  # [S, d]
        q = names @ self.query
        scores = self.unboundScore(names)  # the unbound slot
        values = self.unboundValue(names)
        owner = f["leafRange"]
        if f["pairLeaf"].shape[0] > 0:
            keys = self.symbolEmbedding[f["pairBindingName"]]  # [P, d]
            pair_scores = (q[f["pairLeaf"]] * keys).sum(1, keepdim=True)
            scores = torch.cat([scores, pair_scores])
            values = torch.cat([values, f["pairValue"]])
            owner = torch.cat([owner, f["pairLeaf"]])
        w = torch.exp(torch.clamp(scores, -EXP_LIMIT, EXP_LIMIT))
        total = torch.zeros(leaves, 1, dtype=w.dtype).index_add(0, owner, w)
        weights = w / total[owner]
        return torch.zeros(leaves, 1, dtype=w.dtype).index_add(0, owner, weights * values)

    def forward(self, f):
        values = f["leafValues"]
        if f["symbolLeafRow"].shape[0] > 0:
            values = values.index_add(0, f["symbolLeafRow"], self.read_symbols(f))
        path_rows = [values @ torch.ones(1, K, dtype=values.dtype)]
        gate_rows = [torch.full((f["leafCount"], K), 1 / K, dtype=values.dtype)]
        if self.hoisted:
            units = torch.cat([self.affine.table(), self.product.table(), self.powers.table(), self.signs.table(),
                               self.rate.table(), self.omega.table()], dim=1)  # [H, 10]
            gate_logits = []

            def gate_table():  # computed once per forward, only if some level has an unlocked node
                if not gate_logits:
                    gate_logits.append(self.gate.table())
                return gate_logits[0]
        for head, child0, child1 in f["levels"]:
            a = values[child0]
            b = values[child1]
            if self.hoisted:
                q = units[head]
                w, m, p, s = q[:, 0:2], hard_sigmoid(q[:, 2:4]), q[:, 4:6], hard_sigmoid(q[:, 6:8])
                r, omega = q[:, 8:9], q[:, 9:10]
            else:
                w, m, p, s = self.affine(head), hard_sigmoid(self.product(head)), self.powers(head), hard_sigmoid(self.signs(head))
                r, omega = self.rate(head), self.omega(head)
                gate_table = None
            affine = w[:, 0:1] * a + w[:, 1:2] * b
            product = gated_factor(m[:, 0:1], a) * gated_factor(m[:, 1:2], b)
            la = log_abs_safe(a)
            lb = log_abs_safe(b)
            magnitude = torch.exp(torch.clamp(p[:, 0:1] * la + p[:, 1:2] * lb, -EXP_LIMIT, EXP_LIMIT))
            sign_a = torch.sign(a.detach())
            sign_b = torch.sign(b.detach())
            sign = gated_factor(s[:, 0:1], sign_a) * gated_factor(s[:, 1:2], sign_b)
            power_product = sign * magnitude
            grow = torch.exp(torch.clamp(r * b * la, -EXP_LIMIT, EXP_LIMIT))
            negative_base = (sign_a - 1) * -0.5
            parity = 1 - negative_base * (1 - torch.cos(omega * b))
            exponent = parity * grow
            paths = torch.cat([affine, product, power_product, exponent], dim=1)
            gates = self.gates(head, gate_table, values.dtype)
            path_rows.append(paths)
            gate_rows.append(gates)
            values = torch.cat([values, (gates * paths).sum(1, keepdim=True)])
        all_paths = torch.cat(path_rows)
        all_gates = torch.cat(gate_rows)
        roots = f["roots"]
        return values, values[roots], all_paths[roots], all_gates[roots]


def numeric_objective(fwd, target, relabel=1.0, path_weight=1.0, beta=1e-4):
    _, output, root_paths, root_gates = fwd
    scale = 1 / torch.clamp(target.abs(), min=1)
    root = torch.nn.functional.smooth_l1_loss((output - target) * scale, torch.zeros_like(output), reduction="none", beta=beta)
    path_err = (root_paths - target) * scale
    per_path = (root_gates * torch.log(path_err.square() + 1)).sum(1, keepdim=True)
    return (root * relabel + per_path * path_weight).mean()


def num(x):
    return float(x) if isinstance(x, str) else x


def tensors(case, dtype, override=None):
    """The dumped index arrays as torch tensors (done once, outside the timed step)."""
    f = dict(case["features"], targets=case["targets"])
    f.update({k: v for k, v in (override or {}).items() if k in ("leafValues", "bindingValue", "targets")})
    long = lambda xs: torch.tensor(xs, dtype=torch.long)
    col = lambda xs: torch.tensor([num(x) for x in xs], dtype=dtype).reshape(-1, 1)
    binding_name = f["bindingName"]
    return {
        "leafCount": f["leafCount"],
        "leafValues": col(f["leafValues"]),
        "symbolLeafRow": long(f["symbolLeafRow"]),
        "symbolLeafName": long(f["symbolLeafName"]),
        "leafRange": torch.arange(len(f["symbolLeafRow"]), dtype=torch.long),
        "pairLeaf": long(f["pairLeaf"]),
        "pairBindingName": long([binding_name[j] for j in f["pairBinding"]]),
        "pairValue": col([f["bindingValue"][j] for j in f["pairBinding"]]),
        "levels": [(long(l["head"]), long(l["child0"]), long(l["child1"])) for l in f["levels"]],
        "roots": long(f["roots"]),
    }, col(f["targets"])


def build(case, heads, dtype, hoisted=True):
    d = case["parameters"][0]["cols"]
    net = ArithmeticBrain(heads, case["parameters"][0]["rows"], d, hoisted).to(torch.float64)  # load exactly, then cast
    named = dict(net.named_parameters())
    assert list(named) == [p["name"] for p in case["parameters"]], "parameter names/order differ"
    with torch.no_grad():
        for p in case["parameters"]:
            t = named[p["name"]]
            assert tuple(t.shape) == (p["rows"], p["cols"]), f"{p['name']}: {tuple(t.shape)} vs {(p['rows'], p['cols'])}"
            t.copy_(torch.tensor([num(x) for x in p["data"]], dtype=torch.float64).reshape(p["rows"], p["cols"]))
        net.lockedPath.copy_(torch.tensor(case["lockedPath"], dtype=torch.long))
    return net.to(dtype)


def optimizer(net, o):
    return torch.optim.Adam(net.parameters(), lr=o["learningRate"], betas=(o["beta1"], o["beta2"]), eps=o["epsilon"],
                            weight_decay=o["weightDecay"])


def train_step(net, opt, f, y, clip):
    opt.zero_grad()
    loss = numeric_objective(net(f), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
    opt.step()
    return loss


def max_rel(a, b):
    """max |a − b| / max(1, |b|) over finite entries (b = ours); inf if finiteness differs."""
    a = a.reshape(-1)
    b = b.reshape(-1)
    if not torch.equal(torch.isfinite(a), torch.isfinite(b)):
        return float("inf")
    ok = torch.isfinite(b)
    if not bool(ok.any()):
        return 0.0
    return float(((a[ok] - b[ok]).abs() / b[ok].abs().clamp(min=1)).max())


def check(dump):
    rows = []
    o = dump["optimizer"]
    as_t = lambda xs: torch.tensor([num(x) for x in xs], dtype=torch.float64)
    for case, variant, hoisted in [(c, v, h) for c in dump["cases"] for v in c["checks"] for h in (True, False)]:
        net = build(case, len(case["lockedPath"]), torch.float64, hoisted)
        f, y = tensors(case, torch.float64, variant)
        opt = optimizer(net, o)
        opt.zero_grad()
        fwd = net(f)
        loss = numeric_objective(fwd, y)
        loss.backward()
        ours = variant["ours"]
        grad_diff, grad_scale = 0.0, 0.0
        for name, p in net.named_parameters():
            g_ours = ours["grads"][name]
            if g_ours is None:
                assert p.grad is None or float(p.grad.abs().max()) == 0, f"{name}: torch has a gradient, we have none"
                continue
            g_ours = as_t(g_ours)
            grad_diff = max(grad_diff, float((p.grad.reshape(-1) - g_ours).abs().max()))
            grad_scale = max(grad_scale, float(g_ours.abs().max()))
        torch.nn.utils.clip_grad_norm_(net.parameters(), o["gradClipNorm"])
        opt.step()
        stepped = max(float((p.detach().reshape(-1) - as_t(ours["stepped"][name])).abs().max())
                      for name, p in net.named_parameters())
        # Conditioning: the same torch forward with every weight moved by one ulp (×(1 + 2⁻⁵²)).
        nudged = build(case, len(case["lockedPath"]), torch.float64, hoisted)
        with torch.no_grad():
            for p in nudged.parameters():
                p.mul_(1 + 2.0 ** -52)
            ulp = max_rel(nudged(f)[0], fwd[0].detach())
        rows.append({
            "ulpValues": ulp,
            "case": case["name"],
            "label": variant["label"],
            "dataflow": DATAFLOW[hoisted],
            "lossOurs": ours["loss"],
            "lossTorch": float(loss),
            "values": max_rel(fwd[0].detach(), as_t(ours["values"])),
            "loss": abs(float(loss) - ours["loss"]) / max(1.0, abs(ours["loss"])),
            "grads": grad_diff / max(1.0, grad_scale),
            "stepped": stepped,
        })
    return rows


DATAFLOW = {True: "hoisted", False: "per-level"}


def bench(dump, warmup, runs):
    out = {}
    o = dump["optimizer"]
    for dtype_name, dtype, hoisted in [(n, d, h) for n, d in [("float64", torch.float64), ("float32", torch.float32)]
                                       for h in (True, False)]:
        for case in dump["cases"]:
            net = build(case, len(case["lockedPath"]), dtype, hoisted)
            f, y = tensors(case, dtype)
            opt = optimizer(net, o)
            times, cpu = [], []
            for r in range(warmup + runs):
                t0, c0 = time.perf_counter(), time.process_time()
                loss = train_step(net, opt, f, y, o["gradClipNorm"])
                t1, c1 = time.perf_counter(), time.process_time()
                if r >= warmup:
                    times.append((t1 - t0) * 1e3)
                    cpu.append((c1 - c0) * 1e3)
            times.sort()
            cpu.sort()
            # float32 overflows where float64 reaches e^50-sized values at init: the loss is then
            # non-finite (NaN/inf arithmetic costs the same on x86-64, the timing stands).
            out[f"{dtype_name}:{DATAFLOW[hoisted]}:{case['name']}"] = {
                "median": times[len(times) // 2], "min": times[0], "cpu": cpu[len(cpu) // 2],
                "finite": bool(torch.isfinite(loss))}
    return out


def main():
    with open(sys.argv[1]) as fh:
        dump = json.load(fh)
    mode = sys.argv[2]
    report = {"version": torch.__version__}
    if mode == "check":
        report["check"] = check(dump)
        report["timings"] = {}
    else:
        report["timings"] = bench(dump, int(sys.argv[3]), int(sys.argv[4]))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
