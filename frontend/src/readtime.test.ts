import { describe, it, expect } from 'vitest'
import { ReadTimer, secondsPerPage } from './readtime'

describe('reading time', () => {
  it('counts each page while visible, and the page still open', () => {
    const r = new ReadTimer()
    r.open(1, 0)
    r.turn(2, 4000)
    r.pause(6000) // the tab is hidden: nothing counts
    r.resume(60000)
    r.turn(1, 61500)
    expect(r.totals(62000)).toEqual({ 1: 4.5, 2: 3.5 })
    // Totals only grow: reported twice they say the same.
    expect(r.totals(62000)).toEqual(r.totals(62000))
  })
  it('does not count before the deck opens or while paused', () => {
    const r = new ReadTimer()
    r.resume(1000)
    expect(r.totals(5000)).toEqual({})
    r.open(3, 5000)
    r.pause(7000)
    r.pause(9000)
    expect(r.totals(20000)).toEqual({ 3: 2 })
  })
  it('shows the founder seconds per page in page order', () => {
    expect(secondsPerPage({ 10: 3.4, 2: 40, 1: 12.6 })).toEqual([{ page: 1, seconds: 13 }, { page: 2, seconds: 40 }, { page: 10, seconds: 3 }])
    expect(secondsPerPage(undefined)).toEqual([])
  })
})
