"""The default brain (src/layers/brain/ArithmeticBrain.ts) written again in PyTorch, for
bench/brain-step.ts: same parameters (names, shapes, order), same units (affine, product,
power-product, exponent, sine, exp, log, ratio; in batches with an unknown also the nodes'
tangents, the unknown's learned pair and the readout unit), the same gather / concat per
height level, fed the featurized index arrays that TypeScript dumped.

  python3 bench/brain_step_torch.py DUMP.json check             # equivalence with our numbers
  python3 bench/brain_step_torch.py DUMP.json bench WARMUP RUNS  # ms per step

A "train" case's step = zero_grad, forward, numericObjective, backward, clip_grad_norm_(1),
Adam step; an "evaluate" case's step = one forward pass without a graph (torch.no_grad),
every row's value, as the rule learners call the evaluator (symbolic/learn.ts). One thread,
float64 and float32. Prints one JSON object.
"""
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)

PATH_COUNT = 8  # affine, product, power-product, exponent, sine, exp, log, ratio
READOUT = PATH_COUNT  # the ninth unit of batches with an unknown
LOG_FLOOR = 1e-12
EXP_LIMIT = 50.0
RATIO_FLOOR = 1e-3


class EmbeddingMap(nn.Module):
    """e·W + b."""

    def __init__(self, d, k):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d, k))
        self.bias = nn.Parameter(torch.empty(1, k))

    def forward(self, e):
        return e @ self.weight + self.bias


class HeadMap(nn.Module):
    """A unit's own head-embedding table, mapped linearly; frozen rows read `frozen`, solved
    rows read their parameters from `fixed` (both never trained)."""

    def __init__(self, heads, d, k):
        super().__init__()
        self.embedding = nn.Parameter(torch.empty(heads, d))
        self.frozen = nn.Parameter(torch.empty(heads, d), requires_grad=False)
        self.map = EmbeddingMap(d, k)
        self.fixed = nn.Parameter(torch.empty(heads, k), requires_grad=False)

    def table(self, frozen_rows, solved_rows):
        """The map of every head row [H, k]."""
        rows = self.embedding if frozen_rows is None else torch.where(frozen_rows, self.frozen, self.embedding)
        mapped = self.map(rows)
        return mapped if solved_rows is None else torch.where(solved_rows, self.fixed, mapped)


def hard_sigmoid(x):
    return torch.clamp(0.5 + 0.25 * x, 0.0, 1.0)


def ln_abs(x):
    return torch.log(torch.clamp(torch.abs(x), LOG_FLOOR, min(1e300, torch.finfo(x.dtype).max)))


def exp_clamped(x):
    return torch.exp(torch.clamp(x, -EXP_LIMIT, EXP_LIMIT))


def gated(m, x):
    """m·x + 1 − m."""
    return m * x + (1 - m)


def away_from_zero(a, floor):
    """a with |a| < floor replaced by ±floor (a constant there)."""
    a0 = a.detach()
    return torch.where(a0.abs() < floor, torch.where(a0 < 0, torch.full_like(a0, -floor), torch.full_like(a0, floor)), a)


def sine_of(a, amplitude, w, c):
    s = torch.sin(w * a + c)
    return s if amplitude is None else amplitude * s


def arithmetic_units(a, b, q):
    """affine, product, power-product, exponent [n, 4] with q [n, 10] (arithmeticUnits, src/layers/brain/units/fused.ts)."""
    w, m, p, s = q[:, 0:2], hard_sigmoid(q[:, 2:4]), q[:, 4:6], hard_sigmoid(q[:, 6:8])
    r, omega = q[:, 8:9], q[:, 9:10]
    affine = w[:, 0:1] * a + w[:, 1:2] * b
    product = (m[:, 0:1] * (a - 1) + 1) * (m[:, 1:2] * (b - 1) + 1)
    la, lb = ln_abs(a), ln_abs(b)
    sa, sb = torch.sign(a.detach()), torch.sign(b.detach())
    sign = (s[:, 0:1] * (sa - 1) + 1) * (s[:, 1:2] * (sb - 1) + 1)
    power = sign * exp_clamped(p[:, 0:1] * la + p[:, 1:2] * lb)
    negative_base = (sa - 1) * -0.5
    parity = 1 - negative_base * (1 - torch.cos(omega * b))
    exponent = parity * exp_clamped(r * b * la)
    return torch.cat([affine, product, power, exponent], dim=1)


def unary_units(a, q):
    """sine, exp, log, ratio of the first child [n, 4] with q [n, 12] (unaryUnits)."""
    sine = sine_of(a, q[:, 0:1], q[:, 1:2], q[:, 2:3])
    exp = exp_clamped(q[:, 3:4] * a + q[:, 4:5])
    log = q[:, 5:6] * ln_abs(a) + q[:, 6:7]
    numerator = sine_of(a, q[:, 7:8], q[:, 8:9], q[:, 9:10])
    denominator = sine_of(a, None, q[:, 10:11], q[:, 11:12])
    ratio = numerator / away_from_zero(denominator, RATIO_FLOOR)
    return torch.cat([sine, exp, log, ratio], dim=1)


def arithmetic_tangents(a, b, ta, tb, u):
    """The derivative of each arithmetic unit along the children's tangents [n, 4] (arithmeticTangents)."""
    affine = u[:, 0:1] * ta + u[:, 1:2] * tb
    m1, m2 = hard_sigmoid(u[:, 2:3]), hard_sigmoid(u[:, 3:4])
    fa, fb = gated(m1, a), gated(m2, b)
    product = m1 * ta * fb + fa * (m2 * tb)
    sa, sb = torch.sign(a.detach()), torch.sign(b.detach())
    s1, s2 = hard_sigmoid(u[:, 6:7]), hard_sigmoid(u[:, 7:8])
    p1, p2 = u[:, 4:5], u[:, 5:6]
    la, lb = ln_abs(a), ln_abs(b)
    gate_a, gate_b = gated(s1, sa), gated(s2, sb)
    slope_a, slope_b = s1 + (1 - s1) * sa, s2 + (1 - s2) * sb
    d_a = gate_b * (p1 * exp_clamped((p1 - 1) * la + p2 * lb)) * slope_a
    d_b = gate_a * (p2 * exp_clamped(p1 * la + (p2 - 1) * lb)) * slope_b
    power = d_a * ta + d_b * tb
    r, omega = u[:, 8:9], u[:, 9:10]
    n = (1 - sa) * 0.5
    grow = exp_clamped(r * b * la)
    parity = 1 - n * (1 - torch.cos(omega * b))
    d_ea = parity * grow * (r * b) / away_from_zero(a, LOG_FLOOR)
    d_eb = parity * grow * (r * la) - grow * (n * (omega * torch.sin(omega * b)))
    exponent = d_ea * ta + d_eb * tb
    return torch.cat([affine, product, power, exponent], dim=1)


def unary_tangents(a, ta, q):
    """Tangents of unary_units along ta [n, 4] (unaryTangents)."""
    sine = q[:, 0:1] * q[:, 1:2] * torch.cos(q[:, 1:2] * a + q[:, 2:3]) * ta
    exp = q[:, 3:4] * exp_clamped(q[:, 3:4] * a + q[:, 4:5]) * ta
    log = q[:, 5:6] * ta / away_from_zero(a, LOG_FLOOR)
    numerator = sine_of(a, q[:, 7:8], q[:, 8:9], q[:, 9:10])
    numerator_slope = q[:, 7:8] * q[:, 8:9] * torch.cos(q[:, 8:9] * a + q[:, 9:10])
    d = away_from_zero(sine_of(a, None, q[:, 10:11], q[:, 11:12]), RATIO_FLOOR)
    denominator_slope = q[:, 10:11] * torch.cos(q[:, 10:11] * a + q[:, 11:12])
    ratio = (numerator_slope / d - numerator * denominator_slope / d.square()) * ta
    return torch.cat([sine, exp, log, ratio], dim=1)


def finite_only(x):
    """Entries that are not finite read 0 (with no gradient there)."""
    return torch.where(torch.isfinite(x.detach()), x, torch.zeros_like(x))


class ArithmeticBrain(nn.Module):
    """The units' maps of all head rows are computed once per forward ([H, 10] + [H, 12], the
    readout's [H, 3] and the gate table only if some node is unlocked); each level gathers its
    rows; fully locked levels use the one-hot gates as constants (the dataflow of
    ArithmeticBrain.ts)."""

    def __init__(self, heads, d):
        super().__init__()
        # Declaration order = TypeScript's namedParameters order.
        self.affine = HeadMap(heads, d, 2)
        self.product = HeadMap(heads, d, 2)
        self.powers = HeadMap(heads, d, 2)
        self.signs = HeadMap(heads, d, 2)
        self.rate = HeadMap(heads, d, 1)
        self.omega = HeadMap(heads, d, 1)
        self.gate = HeadMap(heads, d, PATH_COUNT)
        self.sine = HeadMap(heads, d, 3)
        self.expo = HeadMap(heads, d, 2)
        self.logarithm = HeadMap(heads, d, 2)
        self.ratio = HeadMap(heads, d, 5)
        self.readout = HeadMap(heads, d, 3)
        self.readoutGate = HeadMap(heads, d, 1)
        self.unknownValue = nn.Parameter(torch.empty(1, 1))
        self.unknownTangent = nn.Parameter(torch.empty(1, 1))
        self.register_buffer("lockedPath", torch.full((heads,), -1, dtype=torch.long))
        self.register_buffer("readoutSigns", torch.ones(heads, 3, dtype=torch.float64))
        self.frozen_rows = None  # [H, 1] bool masks, None when no row is frozen / solved
        self.solved_rows = None

    def table(self, unit):
        return unit.table(self.frozen_rows, self.solved_rows)

    def gates(self, head, gate_table, k, dtype):
        locked = self.lockedPath[head]
        mask = locked >= 0
        hard = torch.nn.functional.one_hot(locked.clamp(min=0), k).to(dtype)
        if bool(mask.all()):
            return hard
        soft = torch.softmax(gate_table()[head], dim=1)
        if not bool(mask.any()):
            return soft
        return torch.where(mask.unsqueeze(1), hard, soft)

    def forward(self, f):
        tangent_mode = f["hasUnbound"]
        k = PATH_COUNT + 1 if tangent_mode else PATH_COUNT
        leaf_values = f["leafValues"]
        dtype = leaf_values.dtype
        tangents = None
        if tangent_mode:
            rows = f["unboundRows"]
            leaf_values = leaf_values.index_add(0, rows, self.unknownValue.expand(rows.shape[0], 1))
            tangents = torch.zeros_like(leaf_values).index_add(0, rows, self.unknownTangent.expand(rows.shape[0], 1))
        values = leaf_values
        units = torch.cat([self.table(u) for u in (self.affine, self.product, self.powers, self.signs, self.rate, self.omega)], dim=1)
        unary = torch.cat([self.table(u) for u in (self.sine, self.expo, self.logarithm, self.ratio)], dim=1)
        readout = self.table(self.readout) if tangent_mode else None
        gate_logits = []

        def gate_table():  # once per forward, only if some level has an unlocked node
            if not gate_logits:
                g = self.table(self.gate)
                gate_logits.append(torch.cat([g, self.table(self.readoutGate)], dim=1) if tangent_mode else g)
            return gate_logits[0]

        path_rows = [leaf_values @ torch.ones(1, k, dtype=dtype)]
        gate_rows = [torch.full((f["leafCount"], k), 1 / k, dtype=dtype)]
        for head, child0, child1 in f["levels"]:
            a, b = values[child0], values[child1]
            q = unary[head]
            parts = [arithmetic_units(a, b, units[head]), unary_units(a, q)]
            tangent_paths = None
            if tangent_mode:
                ta, tb = tangents[child0], tangents[child1]
                s = self.readoutSigns.to(dtype)[head]
                signs = s[:, 0:1] * gated(s[:, 1:2], torch.sign(a.detach())) * gated(s[:, 2:3], torch.sign(ta.detach()))
                c = readout[head]
                parts.append(signs * exp_clamped(c[:, 0:1] + (c[:, 1:2] * ln_abs(a) + c[:, 2:3] * ln_abs(ta))))
                tangent_paths = finite_only(torch.cat(
                    [arithmetic_tangents(a, b, ta, tb, units[head]), unary_tangents(a, ta, q), torch.zeros_like(a)], dim=1))
            paths = torch.cat(parts, dim=1)
            gates = self.gates(head, gate_table, k, dtype)
            path_rows.append(paths)
            gate_rows.append(gates)
            values = torch.cat([values, (gates * paths).sum(1, keepdim=True)])
            if tangent_mode:
                tangents = torch.cat([tangents, (gates * tangent_paths).sum(1, keepdim=True)])
        roots = f["roots"]
        return values, values[roots], torch.cat(path_rows)[roots], torch.cat(gate_rows)[roots]


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
    f.update({k: v for k, v in (override or {}).items() if k in ("leafValues", "targets")})
    long = lambda xs: torch.tensor(xs, dtype=torch.long)
    col = lambda xs: torch.tensor([num(x) for x in xs], dtype=dtype).reshape(-1, 1)
    return {
        "leafCount": f["leafCount"],
        "leafValues": col(f["leafValues"]),
        "hasUnbound": f["hasUnbound"],
        "unboundRows": long(f["unboundRows"]),
        "levels": [(long(l["head"]), long(l["child0"]), long(l["child1"])) for l in f["levels"]],
        "roots": long(f["roots"]),
    }, col(f["targets"])


def build(case, dtype):
    params = case["parameters"]
    heads, d = params[0]["rows"], params[0]["cols"]
    net = ArithmeticBrain(heads, d).to(torch.float64)  # load exactly, then cast
    named = dict(net.named_parameters())
    ours = [p["name"] for p in params]
    # Names and shapes must match one to one (torch lists a module's own parameters before its
    # submodules', TypeScript in declaration order: the order itself is not compared).
    missing = [n for n in ours if n not in named]
    extra = [n for n in named if n not in ours]
    if missing or extra or len(ours) != len(named):
        raise AssertionError(f"parameter names differ: ours only {missing}, torch only {extra}")
    with torch.no_grad():
        for p in params:
            t = named[p["name"]]
            assert tuple(t.shape) == (p["rows"], p["cols"]), f"{p['name']}: {tuple(t.shape)} vs {(p['rows'], p['cols'])}"
            t.copy_(torch.tensor([num(x) for x in p["data"]], dtype=torch.float64).reshape(p["rows"], p["cols"]))
            assert t.requires_grad == p["requiresGrad"], f"{p['name']}: requires_grad {t.requires_grad} vs ours {p['requiresGrad']}"
        net.lockedPath.copy_(torch.tensor(case["lockedPath"], dtype=torch.long))
        net.readoutSigns.copy_(torch.tensor(case["readoutSigns"], dtype=torch.float64).reshape(heads, 3))
    frozen = torch.tensor(case["frozenHead"], dtype=torch.bool).reshape(-1, 1)
    solved = torch.tensor(case["solvedHead"], dtype=torch.bool).reshape(-1, 1)
    net.frozen_rows = frozen if bool(frozen.any()) else None
    net.solved_rows = solved if bool(solved.any()) else None
    return net.to(dtype)


def optimizer(net, o):
    return torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=o["learningRate"],
                            betas=(o["beta1"], o["beta2"]), eps=o["epsilon"], weight_decay=o["weightDecay"])


def train_step(net, opt, f, y, clip):
    opt.zero_grad()
    loss = numeric_objective(net(f), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], clip)
    opt.step()
    return loss


def evaluate_step(net, f):
    with torch.no_grad():
        return net(f)[0]


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
    for case, variant in [(c, v) for c in dump["cases"] for v in c["checks"]]:
        net = build(case, torch.float64)
        f, y = tensors(case, torch.float64, variant)
        ours = variant["ours"]
        opt = optimizer(net, o)
        opt.zero_grad()
        fwd = net(f)
        row = {"case": case["name"], "label": variant["label"], "values": max_rel(fwd[0].detach(), as_t(ours["values"]))}
        if case["kind"] == "train":
            loss = numeric_objective(fwd, y)
            loss.backward()
            grad_diff, grad_scale = 0.0, 0.0
            for name, p in net.named_parameters():
                g_ours = ours["grads"][name]
                if g_ours is None:
                    assert p.grad is None or float(p.grad.abs().max()) == 0, f"{name}: torch has a gradient, we have none"
                    continue
                assert p.grad is not None, f"{name}: we have a gradient, torch has none"
                g_ours = as_t(g_ours)
                grad_diff = max(grad_diff, float((p.grad.reshape(-1) - g_ours).abs().max()))
                grad_scale = max(grad_scale, float(g_ours.abs().max()))
            torch.nn.utils.clip_grad_norm_([p for p in net.parameters() if p.requires_grad], o["gradClipNorm"])
            opt.step()
            stepped = max(float((p.detach().reshape(-1) - as_t(ours["stepped"][name])).abs().max())
                          for name, p in net.named_parameters())
            row.update({"lossOurs": ours["loss"], "lossTorch": float(loss),
                        "loss": abs(float(loss) - ours["loss"]) / max(1.0, abs(ours["loss"])),
                        "grads": grad_diff / max(1.0, grad_scale), "stepped": stepped})
        # Conditioning: the same torch forward with every weight moved by one ulp (×(1 + 2⁻⁵²)).
        nudged = build(case, torch.float64)
        with torch.no_grad():
            for p in nudged.parameters():
                p.mul_(1 + 2.0 ** -52)
            row["ulpValues"] = max_rel(nudged(f)[0], fwd[0].detach())
        rows.append(row)
    return rows


def bench(dump, warmup, runs):
    out = {}
    o = dump["optimizer"]
    for dtype_name, dtype in [("float64", torch.float64), ("float32", torch.float32)]:
        for case in dump["cases"]:
            net = build(case, dtype)
            f, y = tensors(case, dtype)
            opt = optimizer(net, o)
            times, cpu = [], []
            finite = True
            for r in range(warmup + runs):
                t0, c0 = time.perf_counter(), time.process_time()
                if case["kind"] == "train":
                    result = train_step(net, opt, f, y, o["gradClipNorm"])
                else:
                    result = evaluate_step(net, f)
                t1, c1 = time.perf_counter(), time.process_time()
                if r >= warmup:
                    times.append((t1 - t0) * 1e3)
                    cpu.append((c1 - c0) * 1e3)
            if case["kind"] == "train":
                finite = bool(torch.isfinite(result))
            times.sort()
            cpu.sort()
            # float32 overflows where float64 reaches e^50-sized values at init: the loss is then
            # non-finite (NaN/inf arithmetic costs the same on x86-64, the timing stands).
            out[f"{dtype_name}:{case['name']}"] = {
                "median": times[len(times) // 2], "min": times[0], "cpu": cpu[len(cpu) // 2], "finite": finite}
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
