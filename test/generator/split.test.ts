import { assert, describe, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import {
  BUCKETS, bucketOf, bucketQuotas, hashPolish, levelFileName, ownsBucket, parseShard, splitOfBucket, splitSizes
} from "../../src/layers/generator/split.js"

describe("split and shards", () => {
  it("the hash spreads inputs evenly over the buckets", () => {
    const counts = new Array<number>(BUCKETS).fill(0)
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) counts[bucketOf(`(+ ${a} ${b})`)]!++
    assert.isAbove(Math.min(...counts), 60)
    assert.isBelow(Math.max(...counts), 140)
    assert.strictEqual(hashPolish("(+ 1 2)"), hashPolish("(+ 1 2)"))
  })

  it.prop("quotas sum to n and give exactly round(0.8n) / round(0.1n) / rest", [fc.integer({ min: 1, max: 300_000 })], ([n]) => {
    const q = bucketQuotas(n)
    const sum = (from: number, to: number) => q.slice(from, to).reduce((a, b) => a + b, 0)
    const sizes = splitSizes(n)
    assert.strictEqual(sum(0, 80), sizes.train)
    assert.strictEqual(sum(80, 90), sizes.val)
    assert.strictEqual(sum(90, 100), sizes.test)
    assert.strictEqual(sizes.train + sizes.val + sizes.test, n)
  })

  it("buckets 0–79 train, 80–89 val, 90–99 test", () => {
    assert.strictEqual(splitOfBucket(0), "train")
    assert.strictEqual(splitOfBucket(79), "train")
    assert.strictEqual(splitOfBucket(80), "val")
    assert.strictEqual(splitOfBucket(99), "test")
  })

  it.prop("the shards of any N own every bucket exactly once", [fc.integer({ min: 1, max: 100 })], ([n]) => {
    for (let b = 0; b < BUCKETS; b++) {
      let owners = 0
      for (let i = 0; i < n; i++) if (ownsBucket({ index: i, count: n }, b)) owners++
      assert.strictEqual(owners, 1)
    }
  })

  it("--shard i/N is parsed and checked (0-based)", () => {
    assert.deepStrictEqual(parseShard("2/4"), { index: 2, count: 4 })
    assert.strictEqual(parseShard("4/4"), "--shard: i is 0-based and must be below N (got 4/4)")
    assert.strictEqual(parseShard("1-4"), `--shard must be i/N (e.g. 0/4), got "1-4"`)
    assert.strictEqual(parseShard("0/101"), "--shard: N must be in 1–100, got 101")
    assert.strictEqual(levelFileName(3), "level_3.jsonl")
    assert.strictEqual(levelFileName(3, { index: 1, count: 4 }), "level_3.shard-1-of-4.jsonl")
  })
})
