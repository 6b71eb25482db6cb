// The live room's state as frames change it; kept apart from the page so
// it can be tested without a browser.
export interface RoomState {
  chat: { id: number; userName: string; text: string }[]
  questions: Record<number, { id: number; text: string; votes: number; answered: boolean; hidden: boolean }>
  stage: null | { slot: number; page: number; startupId: string; startupName: string; deadline: number }
  reactions: Record<string, number>
  presence: number
  room: any
  role: string
  error: string
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
      for (const q of d.questions || []) s.questions[q.id] = q
      break
    case 'chat':
      if (d.hidden) s.chat = s.chat.filter((m) => m.id !== d.id)
      else if (!s.chat.some((m) => m.id === d.id)) s.chat.push(d) // replays may repeat
      break
    case 'question':
      s.questions[d.id] = d
      break
    case 'stage':
      s.stage = d
      break
    case 'reaction':
      s.reactions = d.totals
      break
    case 'presence':
      s.presence = d.count
      break
    case 'ended':
      if (s.room) s.room.ended = true
      break
    case 'error':
      s.error = d.detail
      break
  }
}
