import { assert, describe, it } from "@effect/vitest"
import { approximate, formatNumber, formatRational } from "../../src/cli/format.js"
import { float, int, rational } from "../../src/domain/Expr.js"
import { oneLine } from "../../src/cli/report.js"

describe("number formatting", () => {
  it("approximate: 10 significant digits, no trailing zeros", () => {
    assert.strictEqual(approximate(1 / 3), "0.3333333333")
    assert.strictEqual(approximate(2 / 3), "0.6666666667")
    assert.strictEqual(approximate(1.5), "1.5")
    assert.strictEqual(approximate(100), "100")
    assert.strictEqual(approximate(-0), "0")
    assert.strictEqual(approximate(1.2345678901e21), "1.23456789e21")
    assert.strictEqual(approximate(-3.5e-12), "-3.5e-12")
  })
  it("a rational shows = when its decimal is exact, ≈ otherwise", () => {
    assert.strictEqual(formatRational(1n, 3n), "1/3 ≈ 0.3333333333")
    assert.strictEqual(formatRational(1n, 8n), "1/8 = 0.125")
    assert.strictEqual(formatRational(-5n, 2n), "-5/2 = -2.5")
    assert.strictEqual(formatRational(1n, 1024n), "1/1024 = 0.0009765625")
    assert.strictEqual(formatRational(1n, 2048n), "1/2048 = 0.00048828125")
    assert.strictEqual(formatRational(1n, 2n ** 40n), "1/1099511627776 ≈ 9.094947018e-13")
    assert.strictEqual(formatRational(10n ** 400n + 1n, 3n), `${10n ** 400n + 1n}/3`)
  })
  it("numbers by kind", () => {
    assert.strictEqual(formatNumber(int(10)), "10")
    assert.strictEqual(formatNumber(rational(2n, 6n)), "1/3 ≈ 0.3333333333")
    assert.strictEqual(formatNumber(float(2.5)), "2.5")
    assert.strictEqual(formatNumber(float(3)), "3.0")
  })
  it("oneLine strips colours and collapses lines", () => {
    assert.strictEqual(oneLine("\u001b[1mMissing\u001b[0m\n\n  value \n"), "Missing value")
  })
})
