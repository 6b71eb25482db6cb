import { describe, it, expect } from 'vitest'
import { applyFrame, type RoomState } from './room'
import { roomCursor, noteCursor } from './api'

function empty(): RoomState {
  return { chat: [], questions: {}, stage: null, reactions: {}, presence: 0, room: null, role: '', error: '' }
}

describe('room state', () => {
  it('takes the welcome, then live frames', () => {
    const s = empty()
    applyFrame(s, { type: 'welcome', seq: 3, data: { role: 'investor', presence: 2, stage: { slot: 0, page: 1 }, questions: [{ id: 2, text: 'q', votes: 1 }] } })
    applyFrame(s, { type: 'chat', seq: 4, data: { id: 4, userName: 'a', text: 'hi' } })
    applyFrame(s, { type: 'question', seq: 5, data: { id: 2, text: 'q', votes: 2, answered: true } })
    expect(s.role).toBe('investor')
    expect(s.chat).toHaveLength(1)
    expect(s.questions[2].votes).toBe(2)
  })
  it('does not show a replayed message twice and drops hidden ones', () => {
    const s = empty()
    const m = { type: 'chat', seq: 4, data: { id: 4, userName: 'a', text: 'hi' } }
    applyFrame(s, m)
    applyFrame(s, m)
    expect(s.chat).toHaveLength(1)
    applyFrame(s, { type: 'chat', seq: 9, data: { id: 4, hidden: true } })
    expect(s.chat).toHaveLength(0)
  })
})

describe('reconnect cursors', () => {
  it('moves only on stored events', () => {
    expect(roomCursor({ type: 'chat', seq: 7 })).toBe('7')
    expect(roomCursor({ type: 'presence', seq: 7 })).toBe('')
    expect(roomCursor({ type: 'welcome', seq: 7 })).toBe('')
    expect(noteCursor({ type: 'notification', data: { id: 'abc' } })).toBe('abc')
    expect(noteCursor({ type: 'welcome', data: {} })).toBe('')
  })
})
