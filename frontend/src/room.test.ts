import { describe, it, expect } from 'vitest'
import { applyFrame, sortQuestions, secondsLeft, clock, streamKind, mayPublish, onStage, type RoomState } from './room'
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
  it('starts with the welcome\'s latest chat and merges it with what is shown', () => {
    const s = empty()
    applyFrame(s, { type: 'chat', seq: 9, data: { id: 9, userName: 'b', text: 'later' } })
    applyFrame(s, { type: 'welcome', seq: 9, data: { role: 'viewer', chat: [{ id: 5, userName: 'a', text: 'early' }, { id: 9, userName: 'b', text: 'later' }] } })
    expect(s.chat.map((m) => m.id)).toEqual([5, 9])
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
  it('moves on stored events, and on the first welcome only', () => {
    expect(roomCursor({ type: 'chat', seq: 7 })).toBe('7')
    expect(roomCursor({ type: 'presence', seq: 7 })).toBe('')
    expect(roomCursor({ type: 'welcome', seq: 7 })).toBe('7')
    expect(roomCursor({ type: 'welcome', seq: 9 }, '7')).toBe('')
    expect(noteCursor({ type: 'notification', data: { id: 'abc' } })).toBe('abc')
    expect(noteCursor({ type: 'welcome', data: {} })).toBe('')
  })
})

describe('questions and the slot clock', () => {
  it('orders questions by votes, keeps ties in asking order and leaves hidden ones out', () => {
    const s = empty()
    applyFrame(s, { type: 'question', seq: 1, data: { id: 1, text: 'a', votes: 0 } })
    applyFrame(s, { type: 'question', seq: 2, data: { id: 2, text: 'b', votes: 0 } })
    applyFrame(s, { type: 'question', seq: 3, data: { id: 3, text: 'c', votes: 0 } })
    expect(sortQuestions(s.questions).map((q) => q.id)).toEqual([1, 2, 3])
    applyFrame(s, { type: 'question', seq: 4, data: { id: 3, text: 'c', votes: 2 } })
    applyFrame(s, { type: 'question', seq: 5, data: { id: 1, text: 'a', votes: 0, hidden: true } })
    expect(sortQuestions(s.questions).map((q) => q.id)).toEqual([3, 2])
  })
  it('counts down to zero and formats m:ss', () => {
    expect(secondsLeft(10_000, 0)).toBe(10)
    expect(secondsLeft(10_000, 20_000)).toBe(0)
    expect(secondsLeft(undefined, 0)).toBe(0)
    expect(clock(0)).toBe('0:00')
    expect(clock(605)).toBe('10:05')
  })
  it('marks the roadshow live when the first stage arrives', () => {
    const s = empty()
    applyFrame(s, { type: 'welcome', seq: 0, data: { role: 'viewer', roadshow: { status: 'scheduled' } } })
    applyFrame(s, { type: 'stage', seq: 1, data: { slot: 0, page: 1, startupId: 'x', startupName: 'X', deadline: 0 } })
    expect(s.room.roadshow.status).toBe('live')
    applyFrame(s, { type: 'stage', seq: 2, data: { slot: 0, page: 3, startupId: 'x', startupName: 'X', deadline: 0 } })
    expect(s.stage?.page).toBe(3)
  })
})

describe('host aids', () => {
  it('keeps raised hands newest first, once per person, and notices its own mute', () => {
    const s = empty()
    applyFrame(s, { type: 'welcome', seq: 0, data: { role: 'viewer', you: { userId: 'me', muted: false } } })
    applyFrame(s, { type: 'hand', seq: 0, data: { userId: 'a', userName: 'A' } })
    applyFrame(s, { type: 'hand', seq: 0, data: { userId: 'b', userName: 'B' } })
    applyFrame(s, { type: 'hand', seq: 0, data: { userId: 'a', userName: 'A' } })
    expect(s.hands!.map((h) => h.userId)).toEqual(['a', 'b'])
    applyFrame(s, { type: 'user.muted', seq: 3, data: { userId: 'other' } })
    expect(s.muted).toBe(false)
    applyFrame(s, { type: 'user.muted', seq: 4, data: { userId: 'me' } })
    expect(s.muted).toBe(true)
  })
  it('plays video files and playlists in the page and links the rest', () => {
    expect(streamKind('https://cdn.example.cn/live/room.m3u8?token=1')).toBe('video')
    expect(streamKind('https://live.bilibili.com/123')).toBe('link')
    expect(streamKind('')).toBe('')
  })
})

describe('the stage', () => {
  const welcome = (role: string, me: string) => ({ type: 'welcome', seq: 1, data: {
    role, you: { userId: me }, roadshow: { status: 'live', slots: [{ ownerId: 'fA' }, { ownerId: 'fB' }] },
    stage: { slot: 0, page: 1 }, onStage: { live: [{ userId: 'fA', name: 'A', as: 'presenter', audio: true, video: true }], speakers: [], off: [], media: [] },
  } })
  it('lets the host, the presenter on stage and invited speakers publish', () => {
    const host = empty(); applyFrame(host, welcome('host', 'h'))
    const a = empty(); applyFrame(a, welcome('presenter', 'fA'))
    const b = empty(); applyFrame(b, welcome('presenter', 'fB'))
    const v = empty(); applyFrame(v, welcome('viewer', 'v'))
    expect([mayPublish(host), mayPublish(a), mayPublish(b), mayPublish(v)]).toEqual([true, true, false, false])
    applyFrame(v, { type: 'stage.speaker', seq: 2, data: { userId: 'v', userName: 'V' } })
    expect(mayPublish(v)).toBe(true)
    expect(onStage(v)).toEqual(new Set(['fA', 'v']))
    applyFrame(v, { type: 'stage.off', seq: 3, data: { userId: 'v' } })
    expect(mayPublish(v)).toBe(false)
    // The next slot forgets the removal and moves the presenter's right.
    applyFrame(v, { type: 'stage', seq: 4, data: { slot: 1, page: 1 } })
    applyFrame(b, { type: 'stage', seq: 4, data: { slot: 1, page: 1 } })
    expect([v.off, mayPublish(b)]).toEqual([[], true])
    applyFrame(b, { type: 'ended', seq: 5, data: {} })
    expect(mayPublish(b)).toBe(false)
  })
  it('follows who publishes and whose media are off', () => {
    const s = empty(); applyFrame(s, welcome('viewer', 'v'))
    expect(s.live?.map((p) => p.userId)).toEqual(['fA'])
    applyFrame(s, { type: 'stage.live', seq: 1, data: { publishers: [] } })
    expect(s.live).toEqual([])
    applyFrame(s, { type: 'stage.media', seq: 2, data: { userId: 'fA', audio: false, video: true, audioHost: true, videoHost: false } })
    expect(s.media?.fA.audioHost).toBe(true)
    applyFrame(s, { type: 'error', seq: 2, data: { code: 'host_muted', detail: 'the host switched this off' } })
    expect(s.errorCode).toBe('host_muted')
  })
})
