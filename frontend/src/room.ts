// The live room's state as frames change it; kept apart from the page so
// it can be tested without a browser.
import { codeText } from './i18n'

export interface Question { id: number; text: string; votes: number; answered: boolean; hidden: boolean; userId?: string }
// LivePublisher is someone the stage's video server receives now.
export interface LivePublisher { userId: string; name: string; as: string; audio: boolean; video: boolean }
// MediaSwitch is whether a person's audio and video flow, and whether the
// host holds them off (then only the host switches them back on).
export interface MediaSwitch { userId: string; audio: boolean; video: boolean; audioHost: boolean; videoHost: boolean }
export interface RoomState {
  chat: { id: number; userId?: string; userName: string; text: string }[]
  questions: Record<number, Question>
  stage: null | { slot: number; page: number; startupId: string; startupName: string; deadline: number }
  reactions: Record<string, number>
  presence: number
  room: any
  role: string
  error: string
  hands?: { userId: string; userName: string; at: number }[] // raised hands, for the host
  muted?: boolean // this user was muted by the host
  errorCode?: string // the code of the last error frame
  // The stage (docs/REALTIME.md, "The stage"): who publishes, who the host
  // brought on stage or took off in this slot, and whose media are off.
  live?: LivePublisher[]
  speakers?: Record<string, string>
  off?: string[]
  media?: Record<string, MediaSwitch>
}

export function applyFrame(s: RoomState, f: { type: string; seq: number; data: any }) {
  const d = f.data || {}
  switch (f.type) {
    case 'welcome':
      s.room = d
      s.role = d.role
      s.stage = d.stage
      s.presence = d.presence
      s.reactions = d.reactions || {}
      s.muted = !!d.you?.muted
      for (const q of d.questions || []) s.questions[q.id] = q
      // The latest chat, merged with what this page already shows (a
      // reconnect's welcome repeats some of it).
      for (const m of d.chat || []) if (!s.chat.some((x) => x.id === m.id)) s.chat.push(m)
      s.chat.sort((a, b) => a.id - b.id)
      s.live = d.onStage?.live || []
      s.speakers = Object.fromEntries((d.onStage?.speakers || []).map((x: any) => [x.userId, x.userName]))
      s.off = d.onStage?.off || []
      s.media = Object.fromEntries((d.onStage?.media || []).map((m: MediaSwitch) => [m.userId, m]))
      break
    case 'chat':
      if (d.hidden) s.chat = s.chat.filter((m) => m.id !== d.id)
      else if (!s.chat.some((m) => m.id === d.id)) s.chat.push(d) // replays may repeat
      break
    case 'question':
      s.questions[d.id] = d
      break
    case 'stage':
      // A new slot forgets the last one's speakers and removals, as the server does.
      if (s.stage && s.stage.slot !== d.slot) { s.speakers = {}; s.off = [] }
      s.stage = d
      if (s.room?.roadshow && s.room.roadshow.status === 'scheduled') s.room.roadshow.status = 'live'
      break
    case 'reaction':
      s.reactions = d.totals
      break
    case 'presence':
      s.presence = d.count
      break
    case 'ended':
      if (s.room) s.room.ended = true
      s.speakers = {}
      s.off = []
      break
    case 'error':
      s.error = codeText(d.code) // the app's words, never the server's detail
      s.errorCode = d.code
      break
    case 'stage.live':
      s.live = d.publishers || []
      break
    case 'stage.speaker':
      s.speakers = { ...s.speakers, [d.userId]: d.userName }
      s.off = (s.off || []).filter((u) => u !== d.userId)
      break
    case 'stage.off': {
      const { [d.userId]: _gone, ...rest } = s.speakers || {}
      s.speakers = rest
      s.off = [...(s.off || []).filter((u) => u !== d.userId), d.userId]
      break
    }
    case 'stage.media':
      s.media = { ...s.media, [d.userId]: d }
      break
    case 'hand':
      s.hands = [{ userId: d.userId, userName: d.userName, at: Date.now() }, ...(s.hands || []).filter((h) => h.userId !== d.userId)].slice(0, 20)
      break
    case 'user.muted':
      if (d.userId === s.room?.you?.userId) s.muted = true
      break
  }
}

// sortQuestions lists the visible questions, most votes first; among equal
// votes the older question stays ahead, so the list does not jump.
export function sortQuestions(qs: Record<number, Question>): Question[] {
  return Object.values(qs).filter((q) => !q.hidden).sort((a, b) => b.votes - a.votes || a.id - b.id)
}

// secondsLeft is the time left in the slot on stage, never negative.
export function secondsLeft(deadline: number | undefined, now: number): number {
  return deadline ? Math.max(0, Math.round((deadline - now) / 1000)) : 0
}

// clock formats seconds as m:ss.
export function clock(sec: number): string {
  return `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`
}

// streamKind says how the stream address can be shown: a video file or HLS
// playlist plays in the page; anything else (a live platform's page)
// opens as a link.
export function streamKind(url: string): 'video' | 'link' | '' {
  if (!url) return ''
  return /\.(mp4|webm|m3u8)(\?|$)/i.test(url) ? 'video' : 'link'
}

// mayPublish says whether this person may go on stage now, by the
// server's rule (roadshow.StageRules.Allow): the host, the presenter of
// the slot on stage and speakers the host brought up, while live, unless
// the host took them off this slot.
export function mayPublish(s: RoomState): boolean {
  const me = s.room?.you?.userId
  if (!me || !s.stage || s.room?.ended || (s.off || []).includes(me)) return false
  if (s.role === 'host') return true
  if (s.room?.roadshow?.slots?.[s.stage.slot]?.ownerId === me) return true
  return !!s.speakers?.[me]
}

// onStage is everyone on stage now (publishing, or brought up by the
// host): their chat and questions stand out in the room.
export function onStage(s: RoomState): Set<string> {
  return new Set([...(s.live || []).map((p) => p.userId), ...Object.keys(s.speakers || {})])
}
