import { assert, describe, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { type Expr, fn, type FunctionName, int, op, type Operator, sym } from "../src/domain/Expr.js"
import { type Graph, labelsEqual, type NodeLabel, toGraph } from "../src/domain/Graph.js"
import {
  bipartiteBound,
  defaultGedCosts,
  exactGed,
  exactGedSearch,
  ged,
  type GedCosts,
  indexBound,
  mappingCost,
  positionalBound,
  transposeCosts,
  treeEditDistance,
  zhangShasha,
  zhangShashaBound
} from "../src/domain/ged/index.js"
import { parse } from "../src/domain/Polish.js"

const graph = (text: string): Graph => toGraph(Either.getOrThrow(parse(text)))
const close = (actual: number, expected: number, what = "") =>
  assert.isTrue(Math.abs(actual - expected) <= 1e-9, `${what} expected ${expected}, got ${actual}`)

// ---- an independent brute force ------------------------------------------------------

/** Cheapest matching of two position lists (same endpoints), by trying every matching. */
const matchPositions = (pa: ReadonlyArray<number>, pb: ReadonlyArray<number>, c: GedCosts): number => {
  if (pa.length === 0) return pb.length * c.edgeInsertion
  const [first, ...rest] = pa as [number, ...Array<number>]
  let best = c.edgeDeletion + matchPositions(rest, pb, c)
  pb.forEach((q, j) => {
    const relabel = first === q ? 0 : (c.edgeInsertion + c.edgeDeletion) / 2
    best = Math.min(best, relabel + matchPositions(rest, pb.filter((_, k) => k !== j), c))
  })
  return best
}

/** Cost of a node mapping, written from the definition (no code shared with the library). */
const pathCost = (a: Graph, b: Graph, phi: ReadonlyArray<number>, c: GedCosts): number => {
  let total = 0
  a.nodes.forEach((label, u) => {
    const v = phi[u] as number
    total += v < 0 ? c.nodeDeletion
      : labelsEqual(label, b.nodes[v] as NodeLabel) ? 0
      : (c.nodeInsertion + c.nodeDeletion) / 2
  })
  b.nodes.forEach((_, v) => {
    if (!phi.includes(v)) total += c.nodeInsertion
  })
  const groups = new Map<string, { pa: Array<number>; pb: Array<number> }>()
  const group = (x: number, y: number) => {
    const key = `${x}→${y}`
    let g = groups.get(key)
    if (g === undefined) groups.set(key, g = { pa: [], pb: [] })
    return g
  }
  for (const e of a.edges) {
    const x = phi[e.from] as number
    const y = phi[e.to] as number
    if (x < 0 || y < 0) total += c.edgeDeletion
    else group(x, y).pa.push(e.position)
  }
  for (const e of b.edges) group(e.from, e.to).pb.push(e.position)
  for (const { pa, pb } of groups.values()) total += matchPositions(pa, pb, c)
  return total
}

/** Minimum over ALL injective partial node mappings. */
const bruteForceGed = (a: Graph, b: Graph, c: GedCosts): number => {
  const phi: Array<number> = new Array(a.nodes.length).fill(-1)
  const used = new Array<boolean>(b.nodes.length).fill(false)
  let best = Infinity
  const go = (u: number): void => {
    if (u === a.nodes.length) {
      best = Math.min(best, pathCost(a, b, phi, c))
      return
    }
    phi[u] = -1
    go(u + 1)
    for (let v = 0; v < b.nodes.length; v++) {
      if (used[v]) continue
      used[v] = true
      phi[u] = v
      go(u + 1)
      used[v] = false
    }
    phi[u] = -1
  }
  go(0)
  return best
}

// ---- arbitraries ---------------------------------------------------------------------

const alphabet: ReadonlyArray<NodeLabel> = [
  { kind: "Symbol", name: "x" },
  { kind: "Symbol", name: "y" },
  { kind: "Operator", op: "+" },
  { kind: "Function", fn: "sin" },
  { kind: "Integer", value: 1n },
  { kind: "Float", value: 1.0004 } // equal to 1 within the SPEC §6 tolerance
]

/** Any small directed multigraph: random labels, random edges (self-loops and parallel edges too). */
const arbGraph = (maxNodes: number): fc.Arbitrary<Graph> =>
  fc.integer({ min: 0, max: maxNodes }).chain((n) =>
    fc.record({
      nodes: fc.array(fc.constantFrom(...alphabet), { minLength: n, maxLength: n }),
      edges: n === 0
        ? fc.constant([])
        : fc.array(fc.record({ from: fc.nat(n - 1), to: fc.nat(n - 1), position: fc.nat(2) }), { maxLength: 2 * n })
    })
  )

const arbCosts: fc.Arbitrary<GedCosts> = fc.record({
  nodeInsertion: fc.constantFrom(0, 0.5, 1, 2),
  nodeDeletion: fc.constantFrom(0, 0.5, 1, 2),
  edgeInsertion: fc.constantFrom(0, 0.5, 1, 1.5),
  edgeDeletion: fc.constantFrom(0, 0.5, 1, 1.5)
})

const arbSymmetricCosts: fc.Arbitrary<GedCosts> = fc
  .record({ node: fc.constantFrom(0.5, 1, 2), edge: fc.constantFrom(0, 0.5, 1) })
  .map(({ edge, node }) => ({ nodeInsertion: node, nodeDeletion: node, edgeInsertion: edge, edgeDeletion: edge }))

const arbLeaf: fc.Arbitrary<Expr> = fc.oneof(fc.constantFrom("x", "y").map(sym), fc.integer({ min: 1, max: 3 }).map(int))

/** An expression of exactly `n` nodes: leaves, unary functions, binary and ternary operators. */
const arbExprOfSize = (n: number): fc.Arbitrary<Expr> => {
  if (n <= 1) return arbLeaf
  const unary = fc.tuple(fc.constantFrom<FunctionName>("sin", "ln"), arbExprOfSize(n - 1)).map(([f, e]) => fn(f, e))
  if (n === 2) return unary
  const binary = fc.tuple(fc.constantFrom<Operator>("+", "*", "-", "^"), fc.integer({ min: 1, max: n - 2 }))
    .chain(([o, k]) => fc.tuple(arbExprOfSize(k), arbExprOfSize(n - 1 - k)).map((args) => op(o, ...args)))
  if (n === 3) return fc.oneof(unary, binary)
  const ternary = fc.tuple(fc.constantFrom<Operator>("+", "*"), fc.integer({ min: 1, max: n - 3 }))
    .chain(([o, k]) =>
      fc.integer({ min: 1, max: n - 2 - k }).chain((j) =>
        fc.tuple(arbExprOfSize(k), arbExprOfSize(j), arbExprOfSize(n - 1 - k - j)).map((args) => op(o, ...args))
      )
    )
  return fc.oneof({ arbitrary: unary, weight: 1 }, { arbitrary: binary, weight: 3 }, { arbitrary: ternary, weight: 1 })
}

const arbExpr = (maxNodes: number): fc.Arbitrary<Expr> => fc.integer({ min: 1, max: maxNodes }).chain(arbExprOfSize)

const arbTree = (maxNodes: number): fc.Arbitrary<Graph> => arbExpr(maxNodes).map(toGraph)

// ---- hand-worked examples ------------------------------------------------------------

describe("GED: hand-worked examples (default costs 1, 1, 0.5, 0.5)", () => {
  const cases: ReadonlyArray<readonly [string, string, number, string]> = [
    ["(+ 1 2)", "(+ 1 2)", 0, "identity"],
    ["(+ 1 2)", "(+ 1 3)", 1, "one leaf relabelled"],
    ["(+ 1 2)", "(- 1 2)", 1, "root relabelled"],
    ["(+ 1 2)", "(+ 1 2 3)", 1.5, "one node and its edge inserted"],
    ["(+ 1 2 3)", "(+ 1 2)", 1.5, "one node and its edge deleted"],
    ["(+ 1 2)", "(+ 1.0005 2)", 0, "numbers within tolerance are equal labels"],
    ["(+ 1000 2)", "(+ 1000.9 2)", 0, "the tolerance is relative above 1"],
    ["(+ 1 2)", "(+ 1.01 2)", 1, "numbers outside the tolerance differ"],
    ["(- x y)", "(- y x)", 1, "swapped arguments: two edge relabels beat two node relabels"],
    ["x", "(- x)", 1.5, "a wrapper: one node and one edge inserted"],
    ["(sin (cos x))", "(sin x)", 2.5, "deleting an inner node also rewires its child"],
    ["7", "(+ 3 4)", 4, "number vs expression: relabel + 2 insertions + 2 edges"]
  ]
  for (const [a, b, expected, why] of cases)
    it(`${a} → ${b} = ${expected} (${why})`, () => {
      const ga = graph(a)
      const gb = graph(b)
      close(exactGed(ga, gb, defaultGedCosts), expected, "exactGed")
      const r = ged(ga, gb)
      assert.strictEqual(r.method, "exact")
      close(r.distance, expected, "ged")
      close(bruteForceGed(ga, gb, defaultGedCosts), expected, "brute force")
    })

  it("the empty graph: everything inserted", () => {
    const empty: Graph = { nodes: [], edges: [] }
    close(exactGed(empty, empty, defaultGedCosts), 0)
    close(exactGed(empty, graph("(+ 1 2)"), defaultGedCosts), 3 + 2 * 0.5)
    close(exactGed(graph("(+ 1 2)"), empty, defaultGedCosts), 3 + 2 * 0.5)
    close(treeEditDistance(empty, graph("(+ 1 2)")) ?? NaN, 4)
  })

  it("costs come from the config: relabels are the mean of insertion and deletion", () => {
    const c: GedCosts = { nodeInsertion: 3, nodeDeletion: 1, edgeInsertion: 2, edgeDeletion: 0 }
    close(exactGed(graph("(+ 1 2)"), graph("(+ 1 3)"), c), 2) // node relabel (3+1)/2
    close(exactGed(graph("(- x y)"), graph("(- y x)"), c), 2) // two edge relabels (2+0)/2
    close(exactGed(graph("(+ 1 2)"), graph("(+ 1 2 3)"), c), 3 + 2)
    close(exactGed(graph("(+ 1 2 3)"), graph("(+ 1 2)"), c), 1 + 0)
  })

  it("Zhang–Shasha's own script cost is below the graph edit distance; its bound is not", () => {
    const a = graph("(sin (cos x))")
    const b = graph("(sin x)")
    close(zhangShasha(a, b)?.distance ?? NaN, 1.5) // delete cos, its edge; x's edge "moves"
    close(zhangShashaBound(a, b) ?? NaN, 2.5)
    close(treeEditDistance(a, b) ?? NaN, 2.5)
  })
})

// ---- the exact metric ----------------------------------------------------------------

describe("exact GED", () => {
  it.prop(
    "equals a brute force over all injective partial mappings (graphs ≤ 5 nodes, any costs)",
    { a: arbGraph(5), b: arbGraph(5), c: arbCosts },
    ({ a, b, c }) => {
      const r = exactGedSearch(a, b, c)
      assert.isTrue(r.exact)
      close(r.distance, bruteForceGed(a, b, c), "exact vs brute force")
      close(pathCost(a, b, Array.from(r.mapping), c), r.distance, "cost of the returned mapping")
      close(mappingCost(a, b, r.mapping, c), r.distance, "mappingCost of the returned mapping")
    },
    { fastCheck: { numRuns: 250 } }
  )

  it.prop("identity → 0", { g: arbGraph(9) }, ({ g }) => {
    close(exactGed(g, g, defaultGedCosts), 0)
  }, { fastCheck: { numRuns: 100 } })

  it.prop(
    "symmetric when insertion = deletion costs",
    { a: arbGraph(7), b: arbGraph(7), c: arbSymmetricCosts },
    ({ a, b, c }) => close(exactGed(a, b, c), exactGed(b, a, c)),
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "swapping the graphs swaps insertion and deletion costs",
    { a: arbGraph(6), b: arbGraph(6), c: arbCosts },
    ({ a, b, c }) => close(exactGed(a, b, c), exactGed(b, a, transposeCosts(c))),
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "triangle inequality (symmetric costs)",
    { a: arbGraph(5), b: arbGraph(5), g: arbGraph(5), c: arbSymmetricCosts },
    ({ a, b, c, g }) => {
      assert.isTrue(exactGed(a, g, c) <= exactGed(a, b, c) + exactGed(b, g, c) + 1e-9)
    },
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "lies between the root lower bound and every upper bound (expression trees ≤ 10 nodes)",
    { a: arbTree(10), b: arbTree(10) },
    ({ a, b }) => {
      const exact = exactGedSearch(a, b, defaultGedCosts)
      const root = exactGedSearch(a, b, defaultGedCosts, { maxExpansions: 1 })
      assert.isTrue(root.lowerBound <= exact.distance + 1e-9, "root lower bound")
      assert.isTrue(exact.distance <= root.distance + 1e-9, "budgeted search")
      for (const [name, bound] of [
        ["tree edit", treeEditDistance(a, b)],
        ["Zhang–Shasha", zhangShashaBound(a, b)],
        ["bipartite", bipartiteBound(a, b)],
        ["positional", positionalBound(a, b)],
        ["index", indexBound(a, b)]
      ] as const) {
        assert.isDefined(bound)
        assert.isTrue(exact.distance <= (bound as number) + 1e-9, `${name}: ${exact.distance} > ${bound}`)
      }
    },
    { fastCheck: { numRuns: 150 } }
  )
})

// ---- tree edit distances -------------------------------------------------------------

/** Zhang–Shasha by its definition, memoised on forests (tiny trees only). */
const referenceTreeEdit = (a: Expr, b: Expr, c: GedCosts): number => {
  interface T {
    readonly e: Expr
    readonly root: boolean
    readonly position: number
  }
  const kids = (t: T): Array<T> =>
    t.e._tag === "Op" || t.e._tag === "Fn" ? t.e.args.map((e, position) => ({ e, root: false, position })) : []
  const label = (e: Expr) => toGraph(e).nodes[0] as NodeLabel
  const del = (t: T) => c.nodeDeletion + (t.root ? 0 : c.edgeDeletion)
  const ins = (t: T) => c.nodeInsertion + (t.root ? 0 : c.edgeInsertion)
  const ren = (s: T, t: T) =>
    (labelsEqual(label(s.e), label(t.e)) ? 0 : (c.nodeInsertion + c.nodeDeletion) / 2) +
    (s.root && t.root ? 0
      : s.root ? c.edgeInsertion
      : t.root ? c.edgeDeletion
      : s.position === t.position ? 0
      : (c.edgeInsertion + c.edgeDeletion) / 2)
  const memo = new Map<string, number>()
  const key = (f: Array<T>) =>
    f.map((t) => JSON.stringify([t.e, t.root, t.position], (_, v) => (typeof v === "bigint" ? `${v}` : v))).join("|")
  const dist = (f: Array<T>, g: Array<T>): number => {
    if (f.length === 0 && g.length === 0) return 0
    const k = `${key(f)}#${key(g)}`
    const known = memo.get(k)
    if (known !== undefined) return known
    let best = Infinity
    const v = f[f.length - 1]
    const w = g[g.length - 1]
    if (v) best = Math.min(best, dist([...f.slice(0, -1), ...kids(v)], g) + del(v))
    if (w) best = Math.min(best, dist(f, [...g.slice(0, -1), ...kids(w)]) + ins(w))
    if (v && w) best = Math.min(best, dist(f.slice(0, -1), g.slice(0, -1)) + dist(kids(v), kids(w)) + ren(v, w))
    memo.set(k, best)
    return best
  }
  return dist([{ e: a, root: true, position: 0 }], [{ e: b, root: true, position: 0 }])
}

describe("tree edit distances", () => {
  const smallExpr = arbExpr(7)

  it.prop(
    "Zhang–Shasha matches its definition, and its mapping reproduces its cost",
    { a: smallExpr, b: smallExpr, c: arbCosts },
    ({ a, b, c }) => {
      const ga = toGraph(a)
      const gb = toGraph(b)
      const zs = zhangShasha(ga, gb, c)
      assert.isDefined(zs)
      close(zs!.distance, referenceTreeEdit(a, b, c), "Zhang–Shasha vs definition")
      // Price the returned script with the same local costs.
      const isRoot = (g: Graph, v: number) => !g.edges.some((e) => e.to === v)
      const positionOf = (g: Graph, v: number) => g.edges.find((e) => e.to === v)?.position ?? 0
      let local = 0
      const images = new Set<number>()
      ga.nodes.forEach((label, u) => {
        const v = zs!.mapping[u] as number
        if (v < 0) {
          local += c.nodeDeletion + (isRoot(ga, u) ? 0 : c.edgeDeletion)
          return
        }
        images.add(v)
        local += labelsEqual(label, gb.nodes[v] as NodeLabel) ? 0 : (c.nodeInsertion + c.nodeDeletion) / 2
        const ru = isRoot(ga, u)
        const rv = isRoot(gb, v)
        local += ru && rv ? 0
          : ru ? c.edgeInsertion
          : rv ? c.edgeDeletion
          : positionOf(ga, u) === positionOf(gb, v) ? 0
          : (c.edgeInsertion + c.edgeDeletion) / 2
      })
      gb.nodes.forEach((_, v) => {
        if (!images.has(v)) local += c.nodeInsertion + (isRoot(gb, v) ? 0 : c.edgeInsertion)
      })
      close(local, zs!.distance, "script cost")
    },
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "identity → 0 and symmetry with symmetric costs",
    { a: arbTree(30), b: arbTree(30), c: arbSymmetricCosts },
    ({ a, b, c }) => {
      close(treeEditDistance(a, a, c) ?? NaN, 0, "tree edit identity")
      close(zhangShasha(a, a, c)?.distance ?? NaN, 0, "Zhang–Shasha identity")
      close(treeEditDistance(a, b, c) ?? NaN, treeEditDistance(b, a, c) ?? NaN, "tree edit symmetry")
      close(zhangShasha(a, b, c)?.distance ?? NaN, zhangShasha(b, a, c)?.distance ?? NaN, "Zhang–Shasha symmetry")
    },
    { fastCheck: { numRuns: 100 } }
  )

  it.prop(
    "the tree edit bound never exceeds the top-down positional mapping (a constrained mapping)",
    { a: arbTree(30), b: arbTree(30), c: arbCosts },
    ({ a, b, c }) => {
      assert.isTrue((treeEditDistance(a, b, c) as number) <= (positionalBound(a, b, c) as number) + 1e-9)
    },
    { fastCheck: { numRuns: 100 } }
  )

  it("non-forests have no tree distance", () => {
    const dag: Graph = { nodes: alphabet.slice(0, 3), edges: [{ from: 0, to: 2, position: 0 }, { from: 1, to: 2, position: 0 }] }
    assert.isUndefined(treeEditDistance(dag, dag))
    assert.isUndefined(zhangShasha(dag, dag))
  })

  it("forests (several roots) are handled", () => {
    const forest: Graph = {
      nodes: [{ kind: "Symbol", name: "x" }, { kind: "Function", fn: "sin" }, { kind: "Symbol", name: "y" }],
      edges: [{ from: 1, to: 2, position: 0 }]
    }
    close(treeEditDistance(forest, forest) ?? NaN, 0)
    close(treeEditDistance(forest, graph("(sin y)")) ?? NaN, exactGed(forest, graph("(sin y)"), defaultGedCosts))
  })

  it("trees of over a thousand nodes (iterative, no recursion limits)", () => {
    // Deep, mixing left- and right-leaning steps: about 1.67 nodes per step.
    const chain = (steps: number, leaf: string): Expr => {
      let e: Expr = sym(leaf)
      for (let i = 0; i < steps; i++)
        e = i % 3 === 0 ? op("^", int(2), e) : i % 3 === 1 ? fn("sin", e) : op("+", e, int(i % 7))
      return e
    }
    const a = toGraph(chain(660, "x"))
    const b = toGraph(chain(600, "y"))
    assert.isAbove(a.nodes.length, 1000)
    const d = treeEditDistance(a, b)
    assert.isDefined(d)
    // a has 60 more steps on top: 100 nodes and 100 edges deleted, plus the leaf x → y.
    // That is also a lower bound (100 more nodes, 100 more edges, no y in a), so exact.
    assert.strictEqual(a.nodes.length - b.nodes.length, 100)
    close(d!, 100 * 1 + 100 * 0.5 + 1)
    close(treeEditDistance(a, a) ?? NaN, 0)
    const r = ged(a, b)
    assert.strictEqual(r.method, "bound")
    close(r.distance, d!)
    // Zhang–Shasha on a wide and a left-leaning tree of 1200 nodes.
    const wide = (n: number): Expr => op("+", ...Array.from({ length: n }, (_, i) => int(i % 10)))
    let left: Expr = sym("x")
    for (let i = 0; i < 600; i++) left = op("*", left, int(i % 5))
    const zs = zhangShasha(toGraph(wide(1200)), toGraph(left))
    assert.isDefined(zs)
    close(zhangShasha(toGraph(left), toGraph(left))?.distance ?? NaN, 0)
  })
})

// ---- the dispatcher ------------------------------------------------------------------

describe("ged", () => {
  it.prop(
    "exact up to the limit, an upper bound above it",
    { a: arbTree(10), b: arbTree(10) },
    ({ a, b }) => {
      const exact = ged(a, b, defaultGedCosts, { exactLimit: 10 })
      assert.strictEqual(exact.method, "exact")
      close(exact.distance, exactGed(a, b, defaultGedCosts))
      const bound = ged(a, b, defaultGedCosts, { exactLimit: 2 })
      if (a.nodes.length > 2 || b.nodes.length > 2) {
        assert.strictEqual(bound.method, "bound")
        assert.isTrue(bound.distance >= exact.distance - 1e-9)
      }
    },
    { fastCheck: { numRuns: 100 } }
  )

  it("a search that runs out of budget says so and still returns an edit path's cost", () => {
    const a = graph("(+ (* x (sin y)) (- 3 (^ x 2)) (ln (+ y 1)))")
    const b = graph("(* (+ y (cos x)) (- (^ 2 x) 3) (exp (* x 1)))")
    const full = ged(a, b, defaultGedCosts, { exactLimit: 20 })
    const cut = ged(a, b, defaultGedCosts, { exactLimit: 20, maxExpansions: 1 })
    assert.strictEqual(full.method, "exact")
    assert.isTrue(cut.distance >= full.distance - 1e-9)
    if (cut.distance > full.distance + 1e-9) assert.strictEqual(cut.method, "bound")
  })

  it("graphs that are not trees get a bound too", () => {
    const n = 14
    const nodes = Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length] as NodeLabel)
    const edges = Array.from({ length: n }, (_, i) => ({ from: i, to: (i * 5 + 3) % n, position: i % 2 }))
    const r = ged({ nodes, edges }, { nodes: nodes.slice(1), edges: edges.slice(2).filter((e) => e.from > 0 && e.to > 0).map((e) => ({ ...e, from: e.from - 1, to: e.to - 1 })) })
    assert.strictEqual(r.method, "bound")
    assert.isTrue(Number.isFinite(r.distance) && r.distance > 0)
  })

  it("rejects negative or non-finite costs", () => {
    assert.throws(() => ged(graph("x"), graph("y"), { ...defaultGedCosts, nodeDeletion: -1 }))
    assert.throws(() => ged(graph("x"), graph("y"), { ...defaultGedCosts, edgeInsertion: Number.NaN }))
  })
})
