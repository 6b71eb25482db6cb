import { lang } from './i18n'

// Notifications as people read them: a sentence and the page it leads to.
type Note = { type: string; data?: any }

const sentences: Record<string, [(d: any) => string, (d: any) => string]> = {
  interest: [(d) => `${d.investorName || '投资人'} 对 ${d.startupName} 感兴趣`, (d) => `${d.investorName || 'An investor'} is interested in ${d.startupName}`],
  match: [(d) => `新项目符合你的投资方向：${d.startupName}`, (d) => `A new startup fits your thesis: ${d.startupName}`],
  'intro.requested': [(d) => `引荐请求：${d.startupName} / ${d.investorName}`, (d) => `Intro requested: ${d.startupName} / ${d.investorName}`],
  'intro.accepted': [(d) => `引荐已接受：${d.startupName}`, (d) => `Intro accepted: ${d.startupName}`],
  'intro.declined': [(d) => `引荐被婉拒：${d.startupName}`, (d) => `Intro declined: ${d.startupName}`],
  'deck.requested': [(d) => `${d.investorName} 申请查看 ${d.startupName} 的路演材料`, (d) => `${d.investorName} asks to see the deck of ${d.startupName}`],
  'deck.granted': [(d) => `可以查看 ${d.startupName} 的路演材料了`, (d) => `You may now read the deck of ${d.startupName}`],
  'deck.declined': [(d) => `${d.startupName} 的创始人婉拒了你查看路演材料的申请`, (d) => `The founder of ${d.startupName} declined your request for the deck`],
  'deck.revoked': [(d) => `${d.startupName} 的创始人收回了你查看路演材料的权限`, (d) => `The founder of ${d.startupName} withdrew your access to the deck`],
  'roadshow.scheduled': [(d) => `新路演：${d.title}`, (d) => `New roadshow: ${d.title}`],
  'roadshow.soon': [(d) => `15 分钟后开始：${d.title}`, (d) => `Starts in 15 minutes: ${d.title}`],
  'roadshow.started': [(d) => `路演开始了：${d.title}`, (d) => `Roadshow started: ${d.title}`],
  'roadshow.invitation': [(d) => `路演邀请：${d.title} / ${d.startupName}`, (d) => `Invited to present: ${d.title} / ${d.startupName}`],
  'roadshow.answered': [(d) => `${d.startupName} ${d.accepted ? '接受了' : '婉拒了'}路演邀请：${d.title}`, (d) => `${d.startupName} ${d.accepted ? 'accepted' : 'declined'} to present: ${d.title}`],
  'roadshow.guest': [(d) => `路演邀请：${d.title}`, (d) => `You are invited to attend: ${d.title}`],
  'roadshow.rsvp': [(d) => `${d.guestName || '嘉宾'} ${d.accepted ? '接受了' : '婉拒了'}邀请：${d.title}`, (d) => `${d.guestName || 'A guest'} ${d.accepted ? 'accepted' : 'declined'}: ${d.title}`],
  'verification.decided': [(d) => d.verified ? `认证通过：${d.name}` : `认证未通过：${d.name}`, (d) => d.verified ? `Verified: ${d.name}` : `Verification declined: ${d.name}`],
  question: [(d) => `新提问：${d.text}`, (d) => `New question: ${d.text}`],
  digest: [(d) => `今日摘要：${d.total} 条`, (d) => `Today's digest: ${d.total}`],
  'mentor.requested': [(d) => `${d.startupName} 预约了你的辅导时段`, (d) => `${d.startupName} booked one of your office hours`],
  'mentor.answered': [(d) => `${d.mentorName} ${d.confirmed ? '确认了' : '婉拒了'}你的辅导预约`, (d) => `${d.mentorName} ${d.confirmed ? 'confirmed' : 'declined'} your booking`],
  'mentor.cancelled': [(d) => `辅导预约已取消：${d.mentorName} / ${d.startupName}`, (d) => `Booking cancelled: ${d.mentorName} / ${d.startupName}`],
  'request.new': [(d) => `${d.ipHelp ? '知识产权援助' : '服务'}请求：${d.subject}（${d.startupName}）`, (d) => `${d.ipHelp ? 'IP help' : 'Service'} request: ${d.subject} (${d.startupName})`],
  'request.answered': [(d) => `你的请求有了答复：${d.subject}`, (d) => `Your request has an answer: ${d.subject}`],
  'mentor.recorded': [(d) => `对方记录了辅导情况：${d.mentorName} / ${d.startupName}`, (d) => `The other side recorded your session: ${d.mentorName} / ${d.startupName}`],
}

export function describe(n: Note): string {
  const s = sentences[n.type]
  return s ? s[lang.value === 'zh' ? 0 : 1](n.data || {}) : n.type
}

export function linkOf(n: Note): string {
  const d = n.data || {}
  if (n.type.startsWith('intro.')) return '/me/intros'
  if (n.type === 'mentor.requested' || n.type === 'mentor.recorded') return '/me/mentor'
  if (n.type.startsWith('mentor.')) return '/mentors'
  if (n.type === 'request.new') return '/me/provider'
  if (n.type === 'request.answered') return '/services'
  if (n.type === 'roadshow.invitation') return '/me/startups'
  if (n.type === 'roadshow.answered') return '/me/space'
  if (n.type.startsWith('roadshow.') || n.type === 'question') return d.roadshowId ? `/roadshows/${d.roadshowId}` : '/roadshows'
  // The founder answers a deck request on their page, at that request.
  if (n.type === 'deck.requested') return d.startupId ? `/me/startups?startup=${d.startupId}&request=${d.investorUserId || ''}` : '/me/startups'
  if (n.type === 'verification.decided') return d.kind === 'space' ? '/me/space' : '/me/investor'
  if (d.startupId) return `/startups/${d.startupId}`
  return '/notifications'
}

// NO_NOTES is the cursor of an empty list: the id before every id.
export const NO_NOTES = '0'.repeat(24)

// noteSince is where the bell's socket starts after the bell loaded its
// list: the newest id listed, or NO_NOTES when the list was empty. The
// socket then replays whatever was stored between the list and its own
// start; without a cursor it would only hear what comes after, and a
// notification stored in that gap would never show up live.
export function noteSince(listed: { id: string }[]): string {
  return listed.reduce((max, n) => (n.id > max ? n.id : max), NO_NOTES)
}

// Pages that change with what happens elsewhere (the founder's interested
// investors, their deck requests) hear the notifications the bell's one
// socket receives, rather than opening sockets of their own.
type Listener = (n: { id: string; type: string; data?: any }) => void
const listeners = new Set<Listener>()

// onNote calls fn with each live notification until the returned function
// is called.
export function onNote(fn: Listener): () => void {
  listeners.add(fn)
  return () => { listeners.delete(fn) }
}

// heard passes a live notification to every page listening.
export function heard(n: { id: string; type: string; data?: any }) {
  for (const fn of listeners) fn(n)
}
