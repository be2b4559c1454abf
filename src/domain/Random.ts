/**
 * Seeded, deterministic pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018),
 * seeded through splitmix32 so that any 32-bit seed gives a well-mixed state.
 *
 * Why this one: 128 bits of state that fit in four uint32 (cheap to save in a
 * checkpoint and to fork per shard/level), passes BigCrush, and every output bit is
 * usable, unlike the low-bit LCG that made the first implementation's data repeat.
 */
export interface RngState {
  readonly s: readonly [number, number, number, number]
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

const splitmix32 = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x9e3779b9) >>> 0
    let z = a
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  private constructor(s: readonly [number, number, number, number]) {
    this.s0 = s[0] >>> 0
    this.s1 = s[1] >>> 0
    this.s2 = s[2] >>> 0
    this.s3 = s[3] >>> 0
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** A generator from a seed; distinct `stream` values give independent sequences. */
  static seeded(seed: number, stream = 0): Rng {
    const mix = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x6a09e667))
    return new Rng([mix(), mix(), mix(), mix()])
  }

  static fromState(state: RngState): Rng {
    return new Rng(state.s)
  }

  state(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3] }
  }

  /** Next uniform uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0
    const t = (this.s1 << 9) >>> 0
    this.s2 = (this.s2 ^ this.s0) >>> 0
    this.s3 = (this.s3 ^ this.s1) >>> 0
    this.s1 = (this.s1 ^ this.s2) >>> 0
    this.s0 = (this.s0 ^ this.s3) >>> 0
    this.s2 = (this.s2 ^ t) >>> 0
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5
    const lo = this.nextUint32() >>> 6
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform integer in [lo, hi] inclusive, without modulo bias. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1
    if (span <= 0 || !Number.isSafeInteger(span)) throw new RangeError(`Rng.int: bad range [${lo}, ${hi}]`)
    if (span > 0x100000000) return lo + Math.floor(this.next() * span)
    const limit = 0x100000000 - (0x100000000 % span)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return lo + (x % span)
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0
    while (u === 0) u = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }

  pick<A>(items: ReadonlyArray<A>): A {
    return items[this.int(0, items.length - 1)] as A
  }

  bool(p = 0.5): boolean {
    return this.next() < p
  }

  /** Fisher–Yates, in place. */
  shuffle<A>(items: A[]): A[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      const tmp = items[i] as A
      items[i] = items[j] as A
      items[j] = tmp
    }
    return items
  }
}
