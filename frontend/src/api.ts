import { reactive } from 'vue'
import { t, codeText, fieldText } from './i18n'
import type { BackupReport, Me, ResetRequest, Session, Ticket } from './generated/api'

// The API's types, generated from the OpenAPI document that the server's Go
// types make (scripts/apitypes.mjs): every call names the type it gets.
export type * from './generated/api'

// The access token lives in memory only. The refresh token rides in an
// HttpOnly cookie the server sets for its /api/v1/auth routes, which no
// script here (or injected) can read; this origin's storage only remembers
// that someone signed in, to know whether a refresh is worth trying.
export const session = reactive<{ token: string; user: null | { id: string; name: string; role: string; email: string }; unread: number }>({
  token: '', user: null, unread: 0,
})

// FieldProblem is one invalid field of a validation error.
export interface FieldProblem { field: string; code: string; message?: string }

// ApiError is an error answer of the server. Its message is the app's own
// words for the code (i18n.ts), in the reader's language; detail is the
// server's short English for logs, never shown.
export class ApiError extends Error {
  constructor(public status: number, public code: string, public detail: string, public fields: FieldProblem[] = []) {
    super(detail)
    Object.defineProperty(this, 'message', { get: () => explain(this), configurable: true })
  }

  // fieldText is the words for the named field's problems, or '' when it
  // has none: for a form to show beside that field.
  fieldText(field: string): string {
    return this.fields.filter((f) => f.field === field).map(fieldText).join(t('listSep'))
  }
}

// explain turns any error into the words a page shows: an ApiError's code
// (or, for a validation error, each field's name and problem) in the app's
// words; anything else (a lost connection) a generic text. No server text
// and no exception text reaches the page.
export function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof TypeError ? t('err.network') : t('err.unknown')
  if (e.fields.length) return e.fields.map(fieldText).join(t('listSep'))
  return codeText(e.code)
}

// fieldError is the words for one field of an error, or '' (see ApiError.fieldText).
export function fieldError(e: unknown, field: string): string {
  return e instanceof ApiError ? e.fieldText(field) : ''
}

const signedInKey = 'signedIn'

// refreshing is the refresh in flight: several 401s at once share it, since
// a refresh token works once.
let refreshing: Promise<boolean> | null = null

function refresh(): Promise<boolean> {
  if (!localStorage.getItem(signedInKey)) return Promise.resolve(false)
  refreshing ??= (async () => {
    const res = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    if (!res.ok) {
      localStorage.removeItem(signedInKey)
      return false
    }
    const t = await res.json()
    session.token = t.accessToken
    if (t.user) session.user = t.user // who it is comes with the refresh: no wait for /me
    return true
  })().finally(() => { refreshing = null })
  return refreshing
}

// api calls the JSON API, refreshing the access token once if it expired.
// T is the answer's generated type (api<Startup>('GET', ...)); a call that
// names none gets nothing to read.
export async function api<T = void>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (session.token) headers['Authorization'] = 'Bearer ' + session.token
  const res = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  if (res.status === 401 && !retried && (await refresh())) return api<T>(method, path, body, true)
  if (res.status === 204) return undefined as T
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new ApiError(res.status, data.code || 'error', data.detail || res.statusText, data.errors || [])
  return data as T
}

// apiBytes fetches a binary answer (a deck), with the same sign-in and
// error handling as api.
export async function apiBytes(path: string, onHeaders: (h: Headers) => void = () => {}, retried = false): Promise<ArrayBuffer> {
  const headers: Record<string, string> = {}
  if (session.token) headers['Authorization'] = 'Bearer ' + session.token
  const res = await fetch('/api/v1' + path, { headers })
  if (res.status === 401 && !retried && (await refresh())) return apiBytes(path, onHeaders, true)
  onHeaders(res.headers)
  if (!res.ok) {
    const data = await res.json().catch(() => ({}))
    throw new ApiError(res.status, data.code || 'error', data.detail || res.statusText)
  }
  return res.arrayBuffer()
}

// apiSDP posts an SDP offer to the stage (WHIP/WHEP style) with a fresh
// single-use ticket, as the room's websocket is entered, and returns the
// answer and the session's address (DELETE it to hang up).
export async function apiSDP(path: string, offer: string): Promise<{ answer: string; location: string }> {
  const { ticket } = await api<Ticket>('POST', '/realtime/ticket')
  const res = await fetch(`/api/v1${path}?ticket=${encodeURIComponent(ticket)}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer })
  if (!res.ok) {
    const data = await res.json().catch(() => ({}))
    throw new ApiError(res.status, data.code || 'error', data.detail || res.statusText)
  }
  return { answer: await res.text(), location: res.headers.get('Location') || '' }
}

// upload PUTs a file and reports progress from 0 to 1: decks are up to
// 20 MB, which takes a while on a phone.
export function upload<T = void>(method: string, path: string, file: File, onProgress: (share: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open(method, '/api/v1' + path)
    x.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    if (session.token) x.setRequestHeader('Authorization', 'Bearer ' + session.token)
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total) }
    x.onload = () => {
      const data = (() => { try { return JSON.parse(x.responseText) } catch { return {} } })()
      if (x.status >= 200 && x.status < 300) resolve(data)
      else reject(new ApiError(x.status, data.code || 'error', data.detail || x.statusText, data.errors || []))
    }
    x.onerror = () => reject(new ApiError(0, 'network', 'network error'))
    x.send(file)
  })
}

// download saves an answer that needs the sign-in (a report, a registry)
// as a file: a plain link would not carry the access token.
export async function download(path: string, filename: string) {
  const b = await apiBytes(path)
  const url = URL.createObjectURL(new Blob([b]))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export async function signIn(email: string, password: string) {
  const s = await api<Session>('POST', '/auth/login', { email, password })
  start(s)
}

export async function signUp(email: string, password: string, role: string, name: string) {
  const s = await api<Session>('POST', '/auth/register', { email, password, role, name })
  start(s)
}

function start(s: Session) {
  session.token = s.accessToken
  session.user = s.user
  localStorage.setItem(signedInKey, '1')
  localStorage.removeItem('refreshToken') // kept there by earlier versions
}

// changePassword sets a new password; the server ends every session of
// the user and answers with a new one for this tab.
export async function changePassword(oldPassword: string, newPassword: string) {
  const s = await api<Session>('POST', '/auth/password', { oldPassword, newPassword })
  start(s)
}

// signOutEverywhere ends every session of the user, this one included.
export async function signOutEverywhere() {
  await api('POST', '/auth/logout-all')
  localStorage.removeItem(signedInKey)
  session.token = ''
  session.user = null
}

export async function signOut() {
  await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {})
  localStorage.removeItem(signedInKey)
  session.token = ''
  session.user = null
}

// restore signs back in after a reload, from the refresh token, which
// answers with the user too (the unread count comes with the bell's list).
export async function restore() {
  if ((await refresh()) && !session.user) {
    const me = await api<Me>('GET', '/me')
    session.user = me.user
  }
}

// requestReset asks for a password reset link: 'email' (sent if the
// address has an account) or 'admin' (no mail here: ask an admin).
export async function requestReset(email: string): Promise<'email' | 'admin'> {
  return (await api<ResetRequest>('POST', '/auth/password-reset', { email })).delivery
}

// resetPassword sets a new password with a reset link's token and signs in.
export async function resetPassword(token: string, password: string) {
  start(await api<Session>('POST', '/auth/password-reset/confirm', { token, password }))
}

// Socket keeps a websocket open with a fresh single-use ticket each time,
// reconnecting with since= so that nothing is missed.
export class Socket {
  private ws: WebSocket | null = null
  private closed = false
  private delay = 500
  since = ''
  onFrame: (f: { type: string; seq: number; ts: number; data: any }) => void = () => {}
  onState: (connected: boolean) => void = () => {}

  constructor(private path: string, private cursor: (f: any, since: string) => string) {}

  async open() {
    this.closed = false
    try {
      const { ticket } = await api<Ticket>('POST', '/realtime/ticket')
      const proto = location.protocol === 'https:' ? 'wss' : 'ws'
      const q = new URLSearchParams({ ticket })
      if (this.since) q.set('since', this.since)
      const ws = new WebSocket(`${proto}://${location.host}${this.path}?${q}`)
      this.ws = ws
      ws.onopen = () => { this.delay = 500; this.onState(true) }
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data)
        const c = this.cursor(f, this.since)
        if (c) this.since = c
        this.onFrame(f)
      }
      ws.onclose = () => { this.onState(false); this.retry() }
    } catch {
      this.retry()
    }
  }

  private retry() {
    if (this.closed) return
    setTimeout(() => this.open(), this.delay)
    this.delay = Math.min(this.delay * 2, 10000)
  }

  send(type: string, data: unknown = {}, ref = '') {
    this.ws?.send(JSON.stringify({ type, data, ref }))
  }

  close() {
    this.closed = true
    this.ws?.close()
  }
}

// roomCursor is the replay point of a roadshow room: the seq of the last
// stored event received. A first welcome starts it at the room's latest
// seq, so that a connection dropped before any event still replays what
// it missed; a welcome after a reconnect does not move it, since the
// replayed events it precedes may not have arrived yet.
export function roomCursor(f: { type: string; seq: number }, since = ''): string {
  const stored = ['chat', 'question', 'stage', 'interest', 'ended', 'user.muted']
  if (f.type === 'welcome') return since === '' ? String(f.seq) : ''
  return stored.includes(f.type) && f.seq > 0 ? String(f.seq) : ''
}

// noteCursor is the replay point of the notification socket: the last id.
export function noteCursor(f: { type: string; data: any }, _since = ''): string {
  return f.type === 'notification' && f.data?.id ? f.data.id : ''
}

// backupReport is GET /admin/backups: scheduled backups as the operator
// must see them.
export function backupReport(): Promise<BackupReport> {
  return api<BackupReport>('GET', '/admin/backups')
}
