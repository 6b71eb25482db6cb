// Pure helpers for search results: cutting a highlighted text into marked
// and plain pieces, and keeping suggestion answers in order.

// Highlight is the API's (a field, its text, and [start, end) marks).
import type { Highlight } from './generated/api'
export type { Highlight }
export interface Piece { text: string; mark: boolean }

// pieces cuts text at the marks, which are [start, end) in characters
// (code points, as the server counts them, not UTF-16 units).
export function pieces(text: string, marks: [number, number][] = []): Piece[] {
  const chars = Array.from(text)
  const out: Piece[] = []
  let at = 0
  for (const [s0, e0] of [...marks].sort((a, b) => a[0] - b[0])) {
    const s = Math.max(at, Math.min(s0, chars.length)), e = Math.min(Math.max(e0, s), chars.length)
    if (s > at) out.push({ text: chars.slice(at, s).join(''), mark: false })
    if (e > s) out.push({ text: chars.slice(s, e).join(''), mark: true })
    at = Math.max(at, e)
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(''), mark: false })
  return out
}

// fieldMarks returns the highlight of field whose text is text, if any.
export function fieldMarks(hs: Highlight[] | undefined, field: string, text?: string): Highlight | undefined {
  return (hs || []).find((h) => h.field === field && (text === undefined || h.text === text))
}

// Latest keeps only the newest of several answers in flight: typing fast
// sends a request per key, and an older answer must not replace a newer one.
export class Latest {
  private seq = 0
  next(): number { return ++this.seq }
  isCurrent(n: number): boolean { return n === this.seq }
}
