/**
 * The numerical core: a small reverse-mode autograd over float64 2-D tensors.
 *
 *   import * as T from "./tensor/index.js"
 *   const y = T.relu(T.add(T.matmulNT(x, w), b))
 *   T.mean(y).backward()
 */
export { Tensor, backward, fromOp, isGradEnabled, noGrad, type BackwardFn, type Shape } from "./Tensor.js"
export { column, full, ones, row, scalar, tensor, zeros } from "./create.js"
export { Module, Parameter, StateDictError, type StateDict } from "./Module.js"
export * as init from "./init.js"
export { Linear } from "./nn/Linear.js"
export { gradCheck, type GradCheckOptions, type GradCheckResult } from "./gradCheck.js"
export { clipGradNorm, gradNorm } from "./gradNorm.js"

export { add, addScalar, div, mul, neg, rsubScalar, scale, sub } from "./ops/arithmetic.js"
export { abs, cos, exp, log, logAbs, pow, sign, sin, sqrt, square } from "./ops/math.js"
export { clamp, hardSigmoid, relu, sigmoid, tanh } from "./ops/activation.js"
export { mean, meanCols, meanRows, sum, sumCols, sumRows } from "./ops/reduce.js"
export { logSoftmax, logSumExp, softmax } from "./ops/softmax.js"
export { matmul, matmulNT, matmulTN } from "./ops/matmul.js"
export { gather, scatterAdd, segmentSum, type Index } from "./ops/indexing.js"
export { gatherConcat, rowDot, segmentSoftmaxPool } from "./ops/fusedIndexing.js"
export { concatCols, concatRows, reshape, sliceCols, sliceRows, transpose } from "./ops/shape.js"
export { where, type Mask } from "./ops/select.js"
export { mseLoss, smoothL1, smoothL1Loss } from "./ops/loss.js"
export { lbfgs, type LbfgsOptions, type LbfgsReport } from "./lbfgs.js"
