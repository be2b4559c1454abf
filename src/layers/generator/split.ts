/**
 * Splits and shards by a hash of `input_polish` (docs/generator.md):
 *
 * - 100 buckets: bucket = fmix32(FNV-1a(input_polish)) mod 100 — not seeded, so an
 *   input lands in the same split for every seed, level and run;
 * - buckets 0–79 are train, 80–89 val, 90–99 test: train/val/test are disjoint by
 *   construction (a duplicate input always falls in the same bucket);
 * - each bucket has a quota, so that a level gets exactly its sample count split
 *   exactly 80/10/10 (rounded);
 * - shard i of N owns the buckets b with b mod N = i: shards are disjoint and their
 *   union is the single run, since a bucket's content does not depend on the others.
 */
import type { Shard, Split } from "../../services/Generator.js"

export const BUCKETS = 100

/** FNV-1a over UTF-16 code units, then murmur3's fmix32 finaliser. */
export const hashPolish = (s: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export const bucketOf = (polish: string): number => hashPolish(polish) % BUCKETS

export const splitOfBucket = (b: number): Split => (b < 80 ? "train" : b < 90 ? "val" : "test")

export const splitOf = (polish: string): Split => splitOfBucket(bucketOf(polish))

/** Examples per split for n samples: round(0.8n) / round(0.1n) / the rest. */
export const splitSizes = (n: number): Record<Split, number> => {
  const train = Math.round(0.8 * n)
  const val = Math.round(0.1 * n)
  return { train, val, test: n - train - val }
}

/** Quota of every bucket: each split's size spread evenly over its buckets (lower buckets take the remainder). */
export const bucketQuotas = (n: number): Int32Array => {
  const q = new Int32Array(BUCKETS)
  const sizes = splitSizes(n)
  const fill = (from: number, count: number, total: number) => {
    for (let i = 0; i < count; i++) q[from + i] = Math.floor(total / count) + (i < total % count ? 1 : 0)
  }
  fill(0, 80, sizes.train)
  fill(80, 10, sizes.val)
  fill(90, 10, sizes.test)
  return q
}

export const wholeRun: Shard = { index: 0, count: 1 }

export const ownsBucket = (shard: Shard, b: number): boolean => b % shard.count === shard.index

/** Parses "i/N" (0 ≤ i < N ≤ 100). */
export const parseShard = (text: string): Shard | string => {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (m === null) return `--shard must be i/N (e.g. 0/4), got "${text}"`
  const index = Number(m[1])
  const count = Number(m[2])
  if (count < 1 || count > BUCKETS) return `--shard: N must be in 1–${BUCKETS}, got ${count}`
  if (index >= count) return `--shard: i is 0-based and must be below N (got ${index}/${count})`
  return { index, count }
}

/** File name of a level's part: level_N.jsonl, or level_N.shard-i-of-N.jsonl for a shard. */
export const levelFileName = (level: number, shard: Shard = wholeRun): string =>
  shard.count === 1 ? `level_${level}.jsonl` : `level_${level}.shard-${shard.index}-of-${shard.count}.jsonl`
