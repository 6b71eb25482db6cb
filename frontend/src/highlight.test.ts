import { describe, it, expect } from 'vitest'
import { pieces, fieldMarks, Latest } from './highlight'

describe('pieces', () => {
  it('cuts at the marks, in characters', () => {
    expect(pieces('低度黄酒新饮品', [[2, 4]])).toEqual([
      { text: '低度', mark: false }, { text: '黄酒', mark: true }, { text: '新饮品', mark: false }])
  })
  it('counts code points, not UTF-16 units', () => {
    expect(pieces('𠀀芯片', [[1, 3]])).toEqual([{ text: '𠀀', mark: false }, { text: '芯片', mark: true }])
  })
  it('survives unsorted, overlapping and out-of-range marks', () => {
    expect(pieces('abcdef', [[4, 9], [0, 2], [1, 3]])).toEqual([
      { text: 'ab', mark: true }, { text: 'c', mark: true }, { text: 'd', mark: false }, { text: 'ef', mark: true }])
    expect(pieces('abc')).toEqual([{ text: 'abc', mark: false }])
  })
})

describe('fieldMarks', () => {
  it('finds the highlight of a field, optionally of one text', () => {
    const hs = [{ field: 'tags', text: 'a', marks: [[0, 1]] as [number, number][] }, { field: 'name', text: 'n', marks: [] }]
    expect(fieldMarks(hs, 'name')?.text).toBe('n')
    expect(fieldMarks(hs, 'tags', 'b')).toBeUndefined()
    expect(fieldMarks(undefined, 'name')).toBeUndefined()
  })
})

describe('Latest', () => {
  it('keeps only the newest answer', () => {
    const l = new Latest()
    const a = l.next(), b = l.next()
    expect(l.isCurrent(a)).toBe(false)
    expect(l.isCurrent(b)).toBe(true)
  })
})
