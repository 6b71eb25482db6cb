// ReadTimer counts the seconds a reader spends on each page of a deck,
// only while the page is visible. Its totals are what the page reports
// (the server keeps the larger figure per page, so reporting the same
// totals twice, or late, changes nothing): on hiding, on closing and on
// leaving the page, by navigator.sendBeacon, which survives the unload.
export class ReadTimer {
  private seconds: Record<string, number> = {}
  private page = 0
  private since: number | null = null // when the current page began to count; null while paused

  // open starts counting page n at now (ms).
  open(n: number, now: number) {
    this.page = n
    this.since = now
  }

  // turn moves to page n at now, counting the page left.
  turn(n: number, now: number) {
    this.stop(now)
    this.page = n
    if (n) this.since = now
  }

  // pause stops counting (the tab is hidden); resume counts again.
  pause(now: number) { this.stop(now) }
  resume(now: number) { if (this.page && this.since === null) this.since = now }

  // totals are the seconds per page up to now, rounded to a tenth.
  totals(now: number): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [p, s] of Object.entries(this.seconds)) out[p] = s
    if (this.page && this.since !== null) out[this.page] = (out[this.page] || 0) + (now - this.since) / 1000
    for (const p of Object.keys(out)) out[p] = Math.round(out[p] * 10) / 10
    return out
  }

  private stop(now: number) {
    if (this.page && this.since !== null) this.seconds[this.page] = (this.seconds[this.page] || 0) + (now - this.since) / 1000
    this.since = null
  }
}

// sendReadingTime reports a view's totals with a beacon: it carries the
// view's key instead of the sign-in, and text/plain, which every browser
// lets a beacon send.
export function sendReadingTime(startupId: string, view: { id: string; key: string }, pages: Record<string, number>): boolean {
  if (!view.id || !view.key || !Object.keys(pages).length) return false
  const url = `/api/v1/startups/${startupId}/deck/views/${view.id}/pages`
  return navigator.sendBeacon(url, JSON.stringify({ key: view.key, pages }))
}

// secondsPerPage lists a view's reading time page by page, for the founder.
export function secondsPerPage(pages: Record<string, number> | undefined): { page: number; seconds: number }[] {
  return Object.entries(pages || {})
    .map(([p, s]) => ({ page: Number(p), seconds: Math.round(s) }))
    .sort((a, b) => a.page - b.page)
}
