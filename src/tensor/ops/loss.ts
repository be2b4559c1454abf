/**
 * Loss building blocks.
 *   smoothL1(x, β)            [r,c] → [r,c]   0.5 x²/β if |x| < β, else |x| − 0.5 β  (Huber / β)
 *   smoothL1Loss(p, t, β)     mean of smoothL1(p − t, β) → [1,1]   (torch smooth_l1_loss)
 *   mseLoss(p, t)             mean of (p − t)² → [1,1]
 */
import { fromOp, type Tensor } from "../Tensor.js"
import { sub } from "./arithmetic.js"
import { square } from "./math.js"
import { mean } from "./reduce.js"

export const smoothL1 = (x: Tensor, beta = 1): Tensor => {
  if (!(beta > 0)) throw new RangeError(`smoothL1: beta must be > 0, got ${beta}`)
  const X = x.data
  const Y = new Float64Array(X.length)
  for (let i = 0; i < X.length; i++) {
    const v = X[i]!
    const a = Math.abs(v)
    Y[i] = a < beta ? (0.5 * v * v) / beta : a - 0.5 * beta
  }
  return fromOp("smoothL1", Y, x.rows, x.cols, [x], (g) => {
    // dy/dx = x/β inside, sign(x) outside
    const gx = x.gradBuffer()
    for (let i = 0; i < g.length; i++) {
      const v = X[i]!
      gx[i]! += g[i]! * (Math.abs(v) < beta ? v / beta : Math.sign(v))
    }
  })
}

export const smoothL1Loss = (prediction: Tensor, target: Tensor, beta = 1): Tensor =>
  mean(smoothL1(sub(prediction, target), beta))

export const mseLoss = (prediction: Tensor, target: Tensor): Tensor => mean(square(sub(prediction, target)))
