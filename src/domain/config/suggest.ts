/** "Did you mean …?": the known name closest to a misspelt one. */

const levenshtein = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length] as number
}

/** The known name closest to a misspelt one, when it is close enough to be a typo. */
export const suggest = (name: string, known: ReadonlyArray<string>): string | undefined => {
  const squash = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "")
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = squash(k) === squash(name) ? 0 : levenshtein(name.toLowerCase(), k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  if (bestDistance <= Math.max(1, Math.floor(name.length / 4))) return best
  // A shortened name: `epochs` for `epochs_per_level`, `threads` for `num_threads`.
  const prefixed = known.filter((k) => name.length >= 3 && squash(k).includes(squash(name)))
  return prefixed.length === 1 ? prefixed[0] : undefined
}
