/**
 * The expression tree of the Polish IR (SPEC §2).
 *
 * Numbers keep their kind: an Integer is a bigint (so `(^ 2 64)` stays exact), a
 * Rational is a reduced fraction with a positive denominator > 1, a Float is a finite
 * IEEE double. `+` and `*` are n-ary; `(- a)` with one argument is negation.
 */
export const operators = ["+", "-", "*", "/", "^", "%"] as const
export type Operator = (typeof operators)[number]

export const functions = [
  "sin", "cos", "tan", "log", "ln", "exp", "sqrt", "abs", "floor", "ceil",
  "derive", "integrate", "solve", "="
] as const
export type FunctionName = (typeof functions)[number]

/** Functions of one real argument (everything except the calculus heads and `=`). */
export const unaryFunctions = ["sin", "cos", "tan", "log", "ln", "exp", "sqrt", "abs", "floor", "ceil"] as const
export type UnaryFunction = (typeof unaryFunctions)[number]

export type Expr =
  | { readonly _tag: "Integer"; readonly value: bigint }
  | { readonly _tag: "Float"; readonly value: number }
  | { readonly _tag: "Rational"; readonly num: bigint; readonly den: bigint }
  | { readonly _tag: "Symbol"; readonly name: string }
  | { readonly _tag: "Op"; readonly op: Operator; readonly args: ReadonlyArray<Expr> }
  | { readonly _tag: "Fn"; readonly fn: FunctionName; readonly args: ReadonlyArray<Expr> }

export type OpExpr = Extract<Expr, { _tag: "Op" }>
export type FnExpr = Extract<Expr, { _tag: "Fn" }>

const operatorSet: ReadonlySet<string> = new Set(operators)
const functionSet: ReadonlySet<string> = new Set(functions)
const unarySet: ReadonlySet<string> = new Set(unaryFunctions)
export const isOperator = (s: string): s is Operator => operatorSet.has(s)
export const isFunctionName = (s: string): s is FunctionName => functionSet.has(s)
export const isUnaryFunction = (s: string): s is UnaryFunction => unarySet.has(s)

/** Symbols that denote constants rather than variables. */
export const constants: ReadonlySet<string> = new Set(["pi", "e"])

const bigAbs = (a: bigint): bigint => (a < 0n ? -a : a)
export const gcd = (a: bigint, b: bigint): bigint => {
  a = bigAbs(a)
  b = bigAbs(b)
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

// ---- constructors -------------------------------------------------------------

export const int = (value: bigint | number): Expr => ({ _tag: "Integer", value: BigInt(value) })

/**
 * Shared leaves for parsers: an Integer of small magnitude or a Symbol is one object per
 * value, since expressions are immutable. Datasets hold hundreds of thousands of trees
 * whose leaves are mostly x and small integers.
 */
const SHARED_INTEGER_LIMIT = 1024n
const SHARED_SYMBOL_LIMIT = 4096
const sharedIntegers = new Map<bigint, Expr>()
const sharedSymbols = new Map<string, Expr>()
export const sharedInteger = (value: bigint): Expr => {
  if (value < -SHARED_INTEGER_LIMIT || value > SHARED_INTEGER_LIMIT) return { _tag: "Integer", value }
  let e = sharedIntegers.get(value)
  if (e === undefined) sharedIntegers.set(value, (e = { _tag: "Integer", value }))
  return e
}
export const sharedSymbol = (name: string): Expr => {
  let e = sharedSymbols.get(name)
  if (e !== undefined) return e
  e = { _tag: "Symbol", name }
  if (sharedSymbols.size < SHARED_SYMBOL_LIMIT) sharedSymbols.set(name, e)
  return e
}
/** The integers 0 and 1, one object each (not `sharedInteger`'s: code may test `e === ONE`). */
export const ZERO: Expr = { _tag: "Integer", value: 0n }
export const ONE: Expr = { _tag: "Integer", value: 1n }

export const float = (value: number): Expr => ({ _tag: "Float", value })
export const sym = (name: string): Expr => ({ _tag: "Symbol", name })

/** A reduced rational; collapses to an Integer when the denominator divides. */
export const rational = (num: bigint, den: bigint): Expr => {
  if (den === 0n) throw new RangeError("rational with zero denominator")
  if (den < 0n) {
    num = -num
    den = -den
  }
  const g = gcd(num, den)
  if (g > 1n) {
    num /= g
    den /= g
  }
  return den === 1n ? { _tag: "Integer", value: num } : { _tag: "Rational", num, den }
}

export const op = (o: Operator, ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Op", op: o, args })
export const fn = (f: FunctionName, ...args: ReadonlyArray<Expr>): Expr => ({ _tag: "Fn", fn: f, args })

export const add = (...args: ReadonlyArray<Expr>): Expr => op("+", ...args)
export const sub = (a: Expr, b: Expr): Expr => op("-", a, b)
export const mul = (...args: ReadonlyArray<Expr>): Expr => op("*", ...args)
export const div = (a: Expr, b: Expr): Expr => op("/", a, b)
export const pow = (a: Expr, b: Expr): Expr => op("^", a, b)
export const neg = (a: Expr): Expr => op("-", a)
export const eq = (a: Expr, b: Expr): Expr => fn("=", a, b)

// ---- queries ------------------------------------------------------------------

export const isNumber = (e: Expr): boolean =>
  e._tag === "Integer" || e._tag === "Float" || e._tag === "Rational"

/** A rational num/den as a double: each part rounded to a double, then divided. */
export const rationalToNumber = (num: bigint, den: bigint): number => Number(num) / Number(den)

/** The value of a number node (Integer, Rational, Float) as a double; undefined for any other node. */
export const numberValue = (e: Expr): number | undefined =>
  e._tag === "Integer" ? Number(e.value)
  : e._tag === "Rational" ? rationalToNumber(e.num, e.den)
  : e._tag === "Float" ? e.value
  : undefined

export const children = (e: Expr): ReadonlyArray<Expr> =>
  e._tag === "Op" || e._tag === "Fn" ? e.args : []

/** Structural equality; Floats compare by value (so -0 and 0 are equal, NaN never occurs). Iterative. */
export const equals = (a: Expr, b: Expr): boolean => {
  const stack: Array<Expr> = [a, b]
  while (stack.length > 0) {
    const y = stack.pop() as Expr
    const x = stack.pop() as Expr
    if (x === y) continue
    if (x._tag !== y._tag) return false
    switch (x._tag) {
      case "Integer":
      case "Float":
        if (x.value !== (y as typeof x).value) return false
        break
      case "Rational":
        if (x.num !== (y as typeof x).num || x.den !== (y as typeof x).den) return false
        break
      case "Symbol":
        if (x.name !== (y as typeof x).name) return false
        break
      case "Op":
      case "Fn": {
        const yy = y as typeof x
        if ((x._tag === "Op" ? x.op : x.fn) !== (yy._tag === "Op" ? yy.op : (yy as FnExpr).fn)) return false
        if (x.args.length !== yy.args.length) return false
        for (let i = 0; i < x.args.length; i++) stack.push(x.args[i] as Expr, yy.args[i] as Expr)
      }
    }
  }
  return true
}

/** Number of nodes, iteratively. */
export const size = (e: Expr): number => {
  let n = 0
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    n++
    if (x._tag === "Op" || x._tag === "Fn") for (const a of x.args) stack.push(a)
  }
  return n
}

/** Height: a leaf has depth 0. Iterative. */
export const depth = (e: Expr): number => {
  let best = 0
  const stack: Array<[Expr, number]> = [[e, 0]]
  while (stack.length > 0) {
    const [x, d] = stack.pop() as [Expr, number]
    if (d > best) best = d
    if (x._tag === "Op" || x._tag === "Fn") for (const a of x.args) stack.push([a, d + 1])
  }
  return best
}

/** Free variables (symbols other than the constants pi and e), sorted. */
export const freeSymbols = (e: Expr): Array<string> => {
  const out = new Set<string>()
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    if (x._tag === "Symbol") {
      if (!constants.has(x.name)) out.add(x.name)
    } else if (x._tag === "Op" || x._tag === "Fn") for (const a of x.args) stack.push(a)
  }
  return [...out].sort()
}

export const contains = (e: Expr, name: string): boolean => {
  const stack: Array<Expr> = [e]
  while (stack.length > 0) {
    const x = stack.pop() as Expr
    if (x._tag === "Symbol" && x.name === name) return true
    if (x._tag === "Op" || x._tag === "Fn") for (const a of x.args) stack.push(a)
  }
  return false
}

/** Replaces every occurrence of the symbol `name`. */
export const substitute = (e: Expr, name: string, by: Expr): Expr => {
  if (e._tag === "Symbol") return e.name === name ? by : e
  if (e._tag === "Op" || e._tag === "Fn") {
    let changed = false
    const args = e.args.map((a) => {
      const b = substitute(a, name, by)
      if (b !== a) changed = true
      return b
    })
    return changed ? { ...e, args } : e
  }
  return e
}
