// What the stage's video looks like from inside, for a failure message
// that explains itself (video.test.mjs): each page's WebRTC connections
// (state, transceivers, getStats' RTP figures), its stage tiles' <video>
// elements, and the server's debug lines about the stage (e2e.sh runs the
// platform at LOG_LEVEL=debug and names its log in PLATFORM_LOG).
import { readFileSync } from 'node:fs'

// keepConnections makes every RTCPeerConnection the page's scripts create
// reachable as window.__pcs; call it before the page opens the room.
export async function keepConnections(page) {
  await page.context().addInitScript(() => {
    const Native = window.RTCPeerConnection
    window.__pcs = []
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args)
        window.__pcs.push(this)
      }
    }
  })
}

// pageState is a page's connections and tiles, as plain data.
export async function pageState(page) {
  return page.evaluate(async () => {
    const pick = (o, keys) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]))
    const rtp = ['kind', 'mid', 'rid', 'ssrc', 'active', 'packetsReceived', 'packetsLost', 'packetsSent', 'bytesReceived', 'bytesSent',
      'framesReceived', 'framesDecoded', 'keyFramesDecoded', 'framesDropped', 'framesEncoded', 'keyFramesEncoded', 'framesSent',
      'frameWidth', 'frameHeight', 'pliCount', 'firCount', 'nackCount', 'jitterBufferEmittedCount', 'qualityLimitationReason',
      'decoderImplementation', 'encoderImplementation']
    const pcs = []
    for (const pc of (window.__pcs || [])) {
      const stats = []
      try {
        for (const s of (await pc.getStats()).values()) {
          if (s.type === 'inbound-rtp' || s.type === 'outbound-rtp') stats.push({ type: s.type, ...pick(s, rtp) })
          else if (s.type === 'transport') stats.push({ type: s.type, ...pick(s, ['iceState', 'dtlsState', 'packetsSent', 'packetsReceived']) })
          else if (s.type === 'candidate-pair' && s.nominated) stats.push({ type: s.type, ...pick(s, ['state', 'packetsSent', 'packetsReceived', 'currentRoundTripTime']) })
        }
      } catch (e) { stats.push({ error: String(e) }) }
      pcs.push({
        connection: pc.connectionState, ice: pc.iceConnectionState, signaling: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => ({ mid: t.mid, direction: t.direction, current: t.currentDirection,
          receiver: t.receiver.track && pick(t.receiver.track, ['kind', 'readyState', 'muted']),
          sender: t.sender.track && pick(t.sender.track, ['kind', 'readyState', 'muted', 'enabled']) })),
        stats,
      })
    }
    const tiles = [...document.querySelectorAll('[data-test=stage-tile]')].map((tile) => {
      const v = tile.querySelector('video')
      const s = v?.srcObject
      return { user: tile.dataset.user, video: v && { readyState: v.readyState, paused: v.paused, muted: v.muted, width: v.videoWidth,
        frames: v.getVideoPlaybackQuality().totalVideoFrames, error: v.error?.message,
        tracks: s ? s.getTracks().map((t) => `${t.kind}:${t.readyState}${t.muted ? ':muted' : ''}`) : null } }
    })
    return { url: location.pathname, pcs, tiles }
  })
}

// serverStage is the server's debug lines about roadshow id's stage.
export function serverStage(id) {
  const file = process.env.PLATFORM_LOG
  if (!file) return '(no PLATFORM_LOG: run through scripts/e2e.sh)'
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('stage') && l.includes(id))
  return lines.length ? lines.slice(-80).join('\n') : '(no stage lines: is the platform at LOG_LEVEL=debug?)'
}
