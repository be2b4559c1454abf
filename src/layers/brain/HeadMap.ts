/**
 * The brain's parameters per head: each unit reads a head's parameters through a HeadMap,
 * a learned embedding row per head mapped linearly, with the rows of consolidated heads
 * and of heads solved by search held fixed.
 */
import type { Rng } from "../../domain/Random.js"
import * as T from "../../tensor/index.js"
import type { Parameter, Tensor } from "../../tensor/index.js"
import { Module } from "../../tensor/index.js"
import { FIRST_HEADS, heads } from "./vocabulary.js"

/** A linear map of an embedding to k numbers: e·W + b. */
class EmbeddingMap extends Module {
  readonly weight: Parameter
  readonly bias: Parameter
  constructor(rng: Rng, d: number, k: number, biasInit: (i: number) => number = () => 0, scale = 1) {
    super()
    this.weight = T.init.normal(rng, d, k, scale / Math.sqrt(d))
    this.bias = T.Parameter.from(Array.from({ length: k }, (_, i) => biasInit(i)), 1, k)
  }
  apply(e: Tensor): Tensor {
    return T.add(T.matmul(e, this.weight), this.bias)
  }
}

/**
 * A unit's parameters per head: the head's row of this unit's own embedding table,
 * mapped linearly. Each unit has its own table so that the gradients of one unit
 * (an exponential's can be large) do not move another unit's parameters.
 */
export class HeadMap extends Module {
  readonly embedding: Parameter
  /**
   * The rows of consolidated heads, copied from `embedding` when their level ended and
   * never trained again (requiresGrad false): a head row listed in `frozenRows` reads
   * its row here, so no later gradient, optimizer momentum or polish can move it.
   */
  readonly frozen: Parameter
  readonly map: EmbeddingMap
  /**
   * The parameters of solved heads (`solvedRows`): a head whose unit was chosen by
   * search with an exact fit on its data reads its parameters here, fixed (requiresGrad
   * false), so that neither the first-order steps nor a shared map can blur them.
   */
  readonly fixed: Parameter
  constructor(
    rng: Rng,
    d: number,
    k: number,
    private readonly frozenRows: Uint8Array,
    private readonly solvedRows: Uint8Array,
    biasInit: (i: number) => number = () => 0,
    scale = 1
  ) {
    super()
    // The first rows now, the added ones by initAddedRow (after every other parameter).
    this.embedding = T.Parameter.zeros(heads.length, d)
    for (let i = 0; i < FIRST_HEADS * d; i++) this.embedding.data[i] = rng.normal()
    this.map = new EmbeddingMap(rng, d, k, biasInit, scale)
    this.frozen = T.Parameter.zeros(heads.length, d)
    this.frozen.requiresGrad = false
    this.fixed = T.Parameter.zeros(heads.length, k)
    this.fixed.requiresGrad = false
  }
  initAddedRow(rng: Rng, row: number): void {
    const d = this.embedding.cols
    for (let i = row * d; i < (row + 1) * d; i++) this.embedding.data[i] = rng.normal()
  }
  /** The embedding table the forward pass reads: frozen rows from `frozen`, the others trainable. */
  rows(): Tensor {
    const d = this.embedding.cols
    let any = false
    const mask = new Uint8Array(this.frozenRows.length * d)
    for (let h = 0; h < this.frozenRows.length; h++)
      if (this.frozenRows[h] === 1) {
        mask.fill(1, h * d, (h + 1) * d)
        any = true
      }
    return any ? T.where(mask, this.frozen, this.embedding) : this.embedding
  }
  apply(headRows: ArrayLike<number>): Tensor {
    return T.gather(this.table(), Array.from(headRows))
  }
  /** Stops training the shared map: from now on only the embedding rows (one per head) learn. */
  freezeMap(frozen = true): void {
    this.map.weight.requiresGrad = !frozen
    this.map.bias.requiresGrad = !frozen
  }
  /** Copies head row h into the frozen table (the caller then marks it frozen). */
  copyRow(h: number): void {
    const d = this.embedding.cols
    this.frozen.data.set(this.embedding.data.subarray(h * d, (h + 1) * d), h * d)
  }
  /** The map of every head row [H, k]: a node's parameters are its head's row of this table. */
  table(): Tensor {
    const mapped = this.map.apply(this.rows())
    const k = mapped.cols
    let any = false
    const mask = new Uint8Array(this.solvedRows.length * k)
    for (let h = 0; h < this.solvedRows.length; h++)
      if (this.solvedRows[h] === 1) {
        mask.fill(1, h * k, (h + 1) * k)
        any = true
      }
    return any ? T.where(mask, this.fixed, mapped) : mapped
  }
  /** Writes head h's parameters into the fixed table (the caller then marks it solved). */
  fixRow(h: number, values: ArrayLike<number>): void {
    this.fixed.data.set(values, h * this.fixed.cols)
  }
}
