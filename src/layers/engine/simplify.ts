/**
 * Canonical simplification. Two stages:
 *
 * 1. `normalize` rewrites into a normal form with only n-ary `+` and `*`, binary `^`
 *    and functions: a − b = a + (−1)·b, a / b = a·b^(−1), √u = u^(1/2), e^u = exp u.
 *    Sums are flattened, numbers folded exactly, like terms collected (3x + 2x = 5x)
 *    and terms sorted (higher degree first, constant last); products are flattened,
 *    the numeric coefficient comes first, equal bases merge their exponents
 *    (x·x² = x³) and a numeric coefficient distributes over a lone sum (2(x+1) = 2x+2).
 * 2. `present` turns the normal form back into the readable Polish that users and the
 *    brain see: (+ a (* -1 b)) → (- a b), x·y^(−1) → (/ x y), u^(1/2) → (sqrt u).
 *
 * `present` only undoes what `normalize` does, so simplify(simplify(e)) = simplify(e).
 * Non-exact numeric values are never folded: (^ 2 1/2) stays, (^ 4 1/2) becomes 2.
 */
import type { Expr } from "../../domain/Expr.js"
import { ONE, ZERO } from "../../domain/Expr.js"
import { print, printAtom } from "../../domain/Polish.js"
import { EngineError } from "../../services/Engine.js"
import type { Num } from "./numeric.js"
import * as N from "./numeric.js"

const MINUS_ONE: Expr = { _tag: "Integer", value: -1n }
const HALF: Expr = { _tag: "Rational", num: 1n, den: 2n }

const numOf = (e: Expr): Num | undefined => N.fromExpr(e)
const isNum = (e: Expr): boolean => e._tag === "Integer" || e._tag === "Rational" || e._tag === "Float"
const mkOp = (op: "+" | "*" | "^" | "-" | "/" | "%", args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op, args })
const mkFn = (fn: Extract<Expr, { _tag: "Fn" }>["fn"], args: ReadonlyArray<Expr>): Expr => ({ _tag: "Fn", fn, args })

/**
 * The total order on normal-form nodes: the order of their canonical prints, computed by
 * walking both trees instead of printing them (no strings, no cache). It agrees with
 * `print(a) < print(b)` because an operator's "(" sorts before the first character of
 * every atom, no head is a prefix of another, and where one argument list is a prefix of
 * the other the longer list continues with " ", which sorts before ")".
 */
export const compareKey = (a: Expr, b: Expr): number => {
  if (a === b) return 0
  const ac = a._tag === "Op" || a._tag === "Fn"
  const bc = b._tag === "Op" || b._tag === "Fn"
  if (ac && bc) {
    const ha = a._tag === "Op" ? a.op : (a as Extract<Expr, { _tag: "Fn" }>).fn
    const hb = b._tag === "Op" ? b.op : (b as Extract<Expr, { _tag: "Fn" }>).fn
    if (ha !== hb) return ha < hb ? -1 : 1
    const xs = (a as Extract<Expr, { _tag: "Op" }>).args
    const ys = (b as Extract<Expr, { _tag: "Op" }>).args
    const n = xs.length < ys.length ? xs.length : ys.length
    for (let i = 0; i < n; i++) {
      const c = compareKey(xs[i] as Expr, ys[i] as Expr)
      if (c !== 0) return c
    }
    return xs.length === ys.length ? 0 : xs.length > ys.length ? -1 : 1
  }
  if (ac) return -1
  if (bc) return 1
  if (a._tag === b._tag) {
    switch (a._tag) {
      case "Symbol":
        if (a.name === (b as typeof a).name) return 0
        break
      case "Integer":
        if (a.value === (b as typeof a).value) return 0
        break
      case "Float":
        if (Object.is(a.value, (b as typeof a).value)) return 0
        break
      case "Rational":
        if (a.num === (b as typeof a).num && a.den === (b as typeof a).den) return 0
        break
    }
  }
  const ka = printAtom(a)
  const kb = printAtom(b)
  return ka < kb ? -1 : ka > kb ? 1 : 0
}

/** Whether two normal-form nodes print the same (`compareKey(a, b) === 0`), faster. */
const sameKey = (a: Expr, b: Expr): boolean => {
  if (a === b) return true
  switch (a._tag) {
    case "Symbol":
      return b._tag === "Symbol" && a.name === b.name
    case "Integer":
      return b._tag === "Integer" && a.value === b.value
    case "Float":
      return b._tag === "Float" && Object.is(a.value, b.value)
    case "Rational":
      return b._tag === "Rational" && a.num === b.num && a.den === b.den
    case "Op":
    case "Fn": {
      if (b._tag !== a._tag) return false
      if ((a._tag === "Op" ? a.op : a.fn) !== (b._tag === "Op" ? b.op : (b as Extract<Expr, { _tag: "Fn" }>).fn)) return false
      const xs = a.args
      const ys = b.args
      if (xs.length !== ys.length) return false
      for (let i = 0; i < xs.length; i++) if (!sameKey(xs[i] as Expr, ys[i] as Expr)) return false
      return true
    }
  }
}

/**
 * Groups in insertion order, found by key: a linear scan while there are few groups
 * (the usual case), the canonical print as a Map key beyond that.
 */
class Groups<G extends { readonly key: Expr }> {
  declare readonly list: Array<G>
  declare private byPrint: Map<string, G> | undefined
  constructor() {
    this.list = []
    this.byPrint = undefined
  }
  find(key: Expr): G | undefined {
    if (this.byPrint !== undefined) return this.byPrint.get(print(key))
    const list = this.list
    for (let i = 0; i < list.length; i++) if (sameKey((list[i] as G).key, key)) return list[i]
    return undefined
  }
  add(g: G): void {
    this.list.push(g)
    if (this.byPrint !== undefined) this.byPrint.set(print(g.key), g)
    else if (this.list.length > 16) this.byPrint = new Map(this.list.map((x) => [print(x.key), x]))
  }
}

// ---- sums ---------------------------------------------------------------------

/** Splits a normal-form term into numeric coefficient and the rest (ONE when none). */
const splitCoefficient = (t: Expr): [Num, Expr] => {
  const n = numOf(t)
  if (n !== undefined) return [n, ONE]
  if (t._tag === "Op" && t.op === "*") {
    const c = numOf(t.args[0] as Expr)
    if (c !== undefined) {
      const rest = t.args.slice(1)
      return [c, rest.length === 1 ? (rest[0] as Expr) : mkOp("*", rest)]
    }
  }
  return [N.ONE, t]
}

/** The numeric coefficient of a normal-form term (splitCoefficient's first half, without building the rest). */
const coefficientOf = (t: Expr): Num => {
  const n = numOf(t)
  if (n !== undefined) return n
  if (t._tag === "Op" && t.op === "*") {
    const c = numOf(t.args[0] as Expr)
    if (c !== undefined) return c
  }
  return N.ONE
}

/** Polynomial degree used to order terms: x^3 before x before constants. */
const degree = (e: Expr): number => {
  switch (e._tag) {
    case "Symbol":
      return 1
    case "Op":
      if (e.op === "^") {
        const p = numOf(e.args[1] as Expr)
        return p === undefined ? 0.5 : degree(e.args[0] as Expr) * N.toFloat(p)
      }
      if (e.op === "*") return e.args.reduce((s, a) => s + degree(a), 0)
      return 0.5
    default:
      return isNum(e) ? 0 : 0.5
  }
}

/** A term with what its order needs, computed once per sort rather than per comparison. */
interface SortedTerm {
  readonly term: Expr
  readonly num: boolean
  readonly rest: Expr
  readonly degree: number
}
const sortedTerm = (term: Expr): SortedTerm => {
  const num = isNum(term)
  const rest = num ? ONE : splitCoefficient(term)[1]
  return { term, num, rest, degree: degree(rest) }
}
/** Numbers last; otherwise higher degree first, then by key (of the term without its coefficient). */
const compareTerms = (a: SortedTerm, b: SortedTerm): number => {
  if (a.num !== b.num) return a.num ? 1 : -1
  const d = b.degree - a.degree
  if (d !== 0) return d
  return compareKey(a.rest, b.rest)
}
const sortTerms = (terms: ReadonlyArray<Expr>): Array<Expr> => {
  if (terms.length === 2) {
    // What Array.prototype.sort does with two elements: b moves first when (b, a) compares below 0.
    const a = sortedTerm(terms[0] as Expr)
    const b = sortedTerm(terms[1] as Expr)
    return compareTerms(b, a) < 0 ? [b.term, a.term] : [a.term, b.term]
  }
  return terms.map(sortedTerm).sort(compareTerms).map((t) => t.term)
}

const scale = (c: Num, rest: Expr): Expr => {
  if (N.isZero(c)) return N.toExpr(c)
  if (rest === ONE) return N.toExpr(c)
  if (N.isOne(c) && N.isExact(c)) return rest
  const factors = rest._tag === "Op" && rest.op === "*" ? rest.args : [rest]
  return mkOp("*", [N.toExpr(c), ...factors])
}

const makeSum = (terms: ReadonlyArray<Expr>): Expr => {
  let constant: Num = N.ZERO
  const groups = new Groups<{ coeff: Num; readonly key: Expr }>()
  const pending: Array<Expr> = [...terms]
  while (pending.length > 0) {
    const t = pending.pop() as Expr
    if (t._tag === "Op" && t.op === "+") {
      pending.push(...t.args)
      continue
    }
    const n = numOf(t)
    if (n !== undefined) {
      // 0 + n is n for exact n (not for a float: 0 + −0 is 0).
      constant = constant === N.ZERO && N.isExact(n) ? n : N.add(constant, n)
      continue
    }
    const [c, rest] = splitCoefficient(t)
    const g = groups.find(rest)
    if (g === undefined) groups.add({ coeff: c, key: rest })
    else g.coeff = N.add(g.coeff, c)
  }
  const out: Array<Expr> = []
  for (const { coeff, key } of groups.list) if (!N.isZero(coeff)) out.push(scale(coeff, key))
  if (!N.isZero(constant) || (typeof constant === "number" && out.length === 0)) out.push(N.toExpr(constant))
  if (out.length === 0) return ZERO
  if (out.length === 1) return out[0] as Expr
  return mkOp("+", sortTerms(out))
}

const isExactSum = (sum: Extract<Expr, { _tag: "Op" }>): boolean =>
  sum.args.every((t) => N.isExact(coefficientOf(t)))

/**
 * A sum as c·S with S's leading coefficient 1, so that (−x − 1)⁻¹ and −(x + 1)⁻¹ reach
 * the same normal form. With float coefficients only the sign is taken out (negation
 * is exact in floating point, division is not). Undefined when there is nothing to take.
 */
const extractContent = (sum: Expr): [Num, Expr] | undefined => {
  if (sum._tag !== "Op" || sum.op !== "+") return undefined
  const lead = coefficientOf(sum.args[0] as Expr)
  const c: Num = isExactSum(sum) ? lead : N.sign(lead) < 0 ? new N.Q(-1n, 1n) : N.ONE
  if (N.isOne(c) && N.isExact(c)) return undefined
  const inv = N.reciprocal(c)
  return [c, makeSum(sum.args.map((t) => {
    const [k, rest] = splitCoefficient(t)
    return scale(N.mul(k, inv), rest)
  }))]
}

// ---- products -----------------------------------------------------------------

const splitPower = (f: Expr): [Expr, Expr] =>
  f._tag === "Op" && f.op === "^" ? [f.args[0] as Expr, f.args[1] as Expr] : [f, ONE]

/** Symbols first, then functions, then sums, then anything else: (* 2 x (exp x) (+ x 1)). */
const factorRank = (base: Expr): number =>
  base._tag === "Symbol" ? 0 : base._tag === "Fn" ? 1 : base._tag === "Op" && base.op === "+" ? 2 : 3

/** A factor with its base and rank, computed once per sort rather than per comparison. */
interface SortedFactor {
  readonly factor: Expr
  readonly base: Expr
  readonly rank: number
}
const sortedFactor = (factor: Expr): SortedFactor => {
  const base = factor._tag === "Op" && factor.op === "^" ? (factor.args[0] as Expr) : factor
  return { factor, base, rank: factorRank(base) }
}
const compareFactors = (a: SortedFactor, b: SortedFactor): number => {
  const r = a.rank - b.rank
  if (r !== 0) return r
  return compareKey(a.base, b.base)
}
/** The factors in order, after `first` when given (the coefficient). */
const sortFactors = (factors: ReadonlyArray<Expr>, first?: Expr): Array<Expr> => {
  const n = factors.length
  const out: Array<Expr> = []
  if (first !== undefined) out.push(first)
  if (n === 1) out.push(factors[0] as Expr)
  else if (n === 2) {
    // What Array.prototype.sort does with two elements: b moves first when (b, a) compares below 0.
    const a = sortedFactor(factors[0] as Expr)
    const b = sortedFactor(factors[1] as Expr)
    if (compareFactors(b, a) < 0) out.push(b.factor, a.factor)
    else out.push(a.factor, b.factor)
  } else for (const f of factors.map(sortedFactor).sort(compareFactors)) out.push(f.factor)
  return out
}

const makeProduct = (factors: ReadonlyArray<Expr>): Expr => {
  let coeff: Num = N.ONE
  const bases = new Groups<{ readonly key: Expr; readonly exps: Array<Expr> }>()
  const expArgs: Array<Expr> = []
  const pending: Array<Expr> = [...factors]
  while (pending.length > 0) {
    const f = pending.pop() as Expr
    if (f._tag === "Op" && f.op === "*") {
      pending.push(...f.args)
      continue
    }
    const n = numOf(f)
    if (n !== undefined) {
      // 1·n is n for a small exact n (mul would only check its size).
      coeff = coeff === N.ONE && N.isSmallExact(n) ? n : N.mul(coeff, n)
      continue
    }
    if (f._tag === "Fn" && f.fn === "exp") {
      expArgs.push(f.args[0] as Expr)
      continue
    }
    const power = f._tag === "Op" && f.op === "^"
    const base = power ? (f.args[0] as Expr) : f
    const e = power ? (f.args[1] as Expr) : ONE
    const g = bases.find(base)
    if (g === undefined) bases.add({ key: base, exps: [e] })
    else g.exps.push(e)
  }
  if (N.isZero(coeff)) return N.toExpr(coeff)
  const out: Array<Expr> = []
  for (const { key: base, exps } of bases.list) {
    if (exps.length === 1 && exps[0] === ONE) {
      // A lone factor that is not a power: makePower(base, 1) would return it unchanged.
      out.push(base)
      continue
    }
    const e = exps.length === 1 ? (exps[0] as Expr) : makeSum(exps)
    const p = makePower(base, e)
    const pn = numOf(p)
    if (pn !== undefined) coeff = N.mul(coeff, pn)
    else if (p._tag === "Op" && p.op === "*") {
      // A power that split into a coefficient and factors, e.g. (2x)^2 = 4x².
      for (const a of p.args) {
        const an = numOf(a)
        if (an !== undefined) coeff = N.mul(coeff, an)
        else out.push(a)
      }
    } else out.push(p)
  }
  if (expArgs.length > 0) {
    const e = makeExp(makeSum(expArgs))
    const en = numOf(e)
    if (en !== undefined) coeff = N.mul(coeff, en)
    else out.push(e)
  }
  if (N.isZero(coeff)) return N.toExpr(coeff)
  if (out.length === 0) return N.toExpr(coeff)
  for (let i = 0; i < out.length; i++) {
    const content = extractContent(out[i] as Expr)
    if (content !== undefined) {
      coeff = N.mul(coeff, content[0])
      out[i] = content[1]
    }
  }
  // An exact coefficient distributes over a lone sum, 2(x + 1) = 2x + 2, unless the sum
  // has floats and the coefficient is not ±1: rounding would make the result depend on
  // the order of steps, and simplify would no longer be idempotent.
  if (out.length === 1 && !N.isOne(coeff) && N.isExact(coeff)) {
    const only = out[0] as Expr
    const unit = coeff.d === 1n && (coeff.n === 1n || coeff.n === -1n)
    if (only._tag === "Op" && only.op === "+" && (unit || isExactSum(only)))
      return makeSum(only.args.map((t) => makeProduct([N.toExpr(coeff), t])))
  }
  if (N.isOne(coeff) && N.isExact(coeff)) return out.length === 1 ? (out[0] as Expr) : mkOp("*", sortFactors(out))
  return mkOp("*", sortFactors(out, N.toExpr(coeff)))
}

// ---- powers -------------------------------------------------------------------

const foldPower = (a: Num, b: Num): Num | undefined => {
  if (typeof a === "number" || typeof b === "number") return N.pow(a, b)
  if (b.d === 1n) {
    // Keep huge exact powers symbolic rather than building megabyte integers.
    const bits = Math.abs(Number(b.n)) * Math.max(a.n.toString(2).length, a.d.toString(2).length)
    return bits > 4096 ? undefined : N.pow(a, b)
  }
  try {
    const r = N.pow(a, b)
    return N.isExact(r) ? r : undefined
  } catch (e) {
    if (e instanceof EngineError && e.reason === "Domain") return undefined
    throw e
  }
}

const isInteger = (n: Num | undefined): boolean => n !== undefined && (typeof n === "number" ? Number.isInteger(n) : n.d === 1n)

const makePower = (base: Expr, exponent: Expr): Expr => {
  const b = numOf(base)
  const e = numOf(exponent)
  if (e !== undefined && N.isZero(e)) return N.isExact(e) ? ONE : { _tag: "Float", value: 1 }
  if (e !== undefined && N.isOne(e) && N.isExact(e)) return base
  if (b !== undefined && N.isOne(b) && N.isExact(b)) return ONE
  if (b !== undefined && e !== undefined) {
    const folded = foldPower(b, e)
    if (folded !== undefined) return N.toExpr(folded)
  }
  if (base._tag === "Symbol" && base.name === "e") return makeExp(exponent)
  if (base._tag === "Op" && base.op === "^" && isInteger(e)) {
    return makePower(base.args[0] as Expr, makeProduct([base.args[1] as Expr, exponent]))
  }
  if (base._tag === "Op" && base.op === "*" && isInteger(e)) {
    return makeProduct(base.args.map((f) => makePower(f, exponent)))
  }
  if (base._tag === "Fn" && base.fn === "exp") return makeExp(makeProduct([base.args[0] as Expr, exponent]))
  if (isInteger(e)) {
    const content = extractContent(base)
    if (content !== undefined) return makeProduct([N.toExpr(N.pow(content[0], e as Num)), makePower(content[1], exponent)])
  }
  return mkOp("^", [base, exponent])
}

// ---- functions ----------------------------------------------------------------

const PI: Expr = { _tag: "Symbol", name: "pi" }
const E: Expr = { _tag: "Symbol", name: "e" }

/** k when the expression is k·pi with an integer k (0 included). */
const piMultiple = (e: Expr): bigint | undefined => {
  const n = numOf(e)
  if (n !== undefined) return N.isExact(n) && n.n === 0n ? 0n : undefined
  if (e._tag === "Symbol" && e.name === "pi") return 1n
  if (e._tag === "Op" && e.op === "*" && e.args.length === 2 && (e.args[1] as Expr)._tag === "Symbol") {
    const c = numOf(e.args[0] as Expr)
    if ((e.args[1] as Extract<Expr, { _tag: "Symbol" }>).name === "pi" && c !== undefined && N.isExact(c) && c.d === 1n)
      return c.n
  }
  return undefined
}

/** A negative numeric coefficient, so that sin(−u) = −sin(u) and cos(−u) = cos(u). */
const negativeCoefficient = (e: Expr): boolean => {
  const c = coefficientOf(e)
  return N.sign(c) < 0 && numOf(e) === undefined
}
const negateNormal = (e: Expr): Expr => makeProduct([MINUS_ONE, e])

const makeExp = (u: Expr): Expr => {
  const n = numOf(u)
  if (n !== undefined && N.isExact(n) && n.n === 0n) return ONE
  if (n !== undefined && N.isOne(n) && N.isExact(n)) return E
  if (n !== undefined && typeof n === "number") return N.toExpr(N.applyFunction("exp", n))
  if (u._tag === "Fn" && u.fn === "ln") return u.args[0] as Expr
  return mkFn("exp", [u])
}

const makeFunction = (fn: Extract<Expr, { _tag: "Fn" }>["fn"], args: ReadonlyArray<Expr>): Expr => {
  const u = args[0] as Expr
  switch (fn) {
    case "sqrt":
      return makePower(u, HALF)
    case "exp":
      return makeExp(u)
    case "derive":
    case "integrate":
    case "solve":
    case "=":
      return mkFn(fn, args)
    default:
      break
  }
  const n = numOf(u)
  if (n !== undefined) {
    // Fold when the answer is exact, or when the argument is already a float.
    const v = N.applyFunction(fn, n)
    if (N.isExact(v) || typeof n === "number") return N.toExpr(v)
    return mkFn(fn, [u])
  }
  switch (fn) {
    case "sin": {
      const k = piMultiple(u)
      if (k !== undefined) return ZERO
      if (negativeCoefficient(u)) return negateNormal(makeFunction("sin", [negateNormal(u)]))
      break
    }
    case "tan": {
      const k = piMultiple(u)
      if (k !== undefined) return ZERO
      if (negativeCoefficient(u)) return negateNormal(makeFunction("tan", [negateNormal(u)]))
      break
    }
    case "cos": {
      const k = piMultiple(u)
      if (k !== undefined) return k % 2n === 0n ? ONE : MINUS_ONE
      if (negativeCoefficient(u)) return makeFunction("cos", [negateNormal(u)])
      break
    }
    case "ln":
      if (u._tag === "Symbol" && u.name === "e") return ONE
      if (u._tag === "Fn" && u.fn === "exp") return u.args[0] as Expr
      break
    case "abs":
      if (negativeCoefficient(u)) return makeFunction("abs", [negateNormal(u)])
      if (u._tag === "Fn" && u.fn === "abs") return u
      break
    default:
      break
  }
  return mkFn(fn, [u])
}

// ---- normal form --------------------------------------------------------------

const normalizeNode = (e: Expr, args: ReadonlyArray<Expr>): Expr => {
  if (e._tag === "Fn") return makeFunction(e.fn, args)
  if (e._tag !== "Op") return e
  switch (e.op) {
    case "+":
      return makeSum(args)
    case "*":
      return makeProduct(args)
    case "-":
      if (args.length === 1) return negateNormal(args[0] as Expr)
      return makeSum([args[0] as Expr, ...args.slice(1).map(negateNormal)])
    case "/":
      return makeProduct([args[0] as Expr, ...args.slice(1).map((d) => {
        const n = numOf(d)
        if (n !== undefined) return N.toExpr(N.reciprocal(n))
        return makePower(d, MINUS_ONE)
      })])
    case "^": {
      let acc = args[args.length - 1] as Expr
      for (let i = args.length - 2; i >= 0; i--) acc = makePower(args[i] as Expr, acc)
      return acc
    }
    case "%": {
      const a = numOf(args[0] as Expr)
      const b = numOf(args[1] as Expr)
      if (a !== undefined && b !== undefined) return N.toExpr(N.mod(a, b))
      return mkOp("%", args)
    }
  }
}

const normalizeRec = (e: Expr): Expr => {
  if (e._tag !== "Op" && e._tag !== "Fn") {
    if (e._tag === "Float" && Object.is(e.value, -0)) return { _tag: "Float", value: 0 }
    return e
  }
  return normalizeNode(e, e.args.map(normalizeRec))
}

// ---- presentation -------------------------------------------------------------

const isNegativeNumber = (e: Expr): boolean => {
  const n = numOf(e)
  return n !== undefined && N.sign(n) < 0
}

const presentProduct = (e: Extract<Expr, { _tag: "Op" }>): Expr => {
  let coeff: Num = N.ONE
  const num: Array<Expr> = []
  const den: Array<Expr> = []
  for (const f of e.args) {
    const n = numOf(f)
    if (n !== undefined) {
      coeff = n
      continue
    }
    const [base, exp] = splitPower(f)
    if (isNegativeNumber(exp)) {
      const flipped = makePower(base, N.toExpr(N.negate(numOf(exp) as Num)))
      den.push(present(flipped))
    } else num.push(present(f))
  }
  // A rational coefficient p/q puts p in the numerator and q in the denominator.
  const negative = N.sign(coeff) < 0
  const mag = negative ? N.negate(coeff) : coeff
  const [numMag, denMag]: [Num, bigint] = N.isExact(mag) ? [new N.Q(mag.n, 1n), mag.d] : [mag, 1n]
  const numParts = !(N.isOne(numMag) && N.isExact(numMag)) || num.length === 0
    ? [N.toExpr(negative ? N.negate(numMag) : numMag), ...num]
    : num
  const product = numParts.length === 1 ? (numParts[0] as Expr) : mkOp("*", numParts)
  const numerator = negative && N.isOne(numMag) && N.isExact(numMag) && num.length > 0 ? mkOp("-", [product]) : product
  if (denMag !== 1n) den.unshift({ _tag: "Integer", value: denMag })
  if (den.length === 0) return numerator
  const denominator = den.length === 1 ? (den[0] as Expr) : mkOp("*", den)
  return mkOp("/", [numerator, denominator])
}

/** Normal form → readable Polish. */
export const present = (e: Expr): Expr => {
  if (e._tag === "Fn") return mkFn(e.fn, e.args.map(present))
  if (e._tag !== "Op") return e
  switch (e.op) {
    case "+": {
      const pos: Array<Expr> = []
      const negs: Array<Expr> = []
      for (const t of e.args) {
        const c = coefficientOf(t)
        if (N.sign(c) < 0) negs.push(present(scale(N.negate(c), splitCoefficient(t)[1])))
        else pos.push(present(t))
      }
      if (negs.length === 0) return mkOp("+", pos)
      if (pos.length === 0) {
        // All terms negative: −(a + b).
        return mkOp("-", [negs.length === 1 ? (negs[0] as Expr) : mkOp("+", negs)])
      }
      return mkOp("-", [pos.length === 1 ? (pos[0] as Expr) : mkOp("+", pos), ...negs])
    }
    case "*":
      return presentProduct(e)
    case "^": {
      const [base, exp] = [e.args[0] as Expr, e.args[1] as Expr]
      const n = numOf(exp)
      if (n !== undefined && N.sign(n) < 0) return mkOp("/", [ONE, present(makePower(base, N.toExpr(N.negate(n))))])
      if (n !== undefined && N.isExact(n) && n.n === 1n && n.d === 2n) return mkFn("sqrt", [present(base)])
      return mkOp("^", [present(base), present(exp)])
    }
    default:
      return mkOp(e.op, e.args.map(present))
  }
}

const tooDeep = (e: unknown): EngineError | undefined =>
  e instanceof RangeError ? new EngineError({ reason: "TooDeep", message: "expression nested too deeply to simplify" }) : undefined

/** The normal form used for comparisons (not meant for display). */
export const normalize = (e: Expr): Expr => {
  try {
    return normalizeRec(e)
  } catch (err) {
    throw tooDeep(err) ?? err
  }
}

/** Canonical, readable, idempotent, value-preserving. Throws EngineError. */
export const simplify = (e: Expr): Expr => {
  try {
    return present(normalizeRec(e))
  } catch (err) {
    throw tooDeep(err) ?? err
  }
}
