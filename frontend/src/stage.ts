// The stage's live video in the browser: publishing the camera and
// microphone (WHIP-style) and watching each publisher (WHEP-style), one
// HTTP offer/answer each through api.ts's apiSDP (docs/REALTIME.md, "The
// stage"). The room's websocket says who publishes (stage.live); this
// module only connects.
import { api, apiSDP, type ICEServers } from './api'

let iceServers: Promise<RTCIceServer[]> | null = null

// ice returns the STUN/TURN servers the server names (ICE_SERVERS), once.
function ice(): Promise<RTCIceServer[]> {
  iceServers ??= api<ICEServers>('GET', '/stage/ice-servers').then((r) => r.iceServers, () => [])
  return iceServers
}

// gathered resolves when pc has all its candidates (the offer carries
// them: there is no trickle), or after 3 s with what it has.
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === 'complete') { pc.removeEventListener('icegatheringstatechange', done); resolve() } }
    pc.addEventListener('icegatheringstatechange', done)
    setTimeout(resolve, 3000)
  })
}

async function negotiate(pc: RTCPeerConnection, path: string): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer())
  await gathered(pc)
  const { answer, location } = await apiSDP(path, pc.localDescription!.sdp)
  await pc.setRemoteDescription({ type: 'answer', sdp: answer })
  return location
}

// Simulcast layers a camera is sent in: viewers get the best one their
// connection keeps up with (the server ranks f > h > q).
const layers: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', maxBitrate: 1_200_000 },
]

// Publishing sends a local stream to the stage until stopped.
export class Publishing {
  pc: RTCPeerConnection | null = null
  private location = ''
  onEnded: () => void = () => {}

  constructor(public stream: MediaStream) {}

  async start(roadshowId: string) {
    const pc = new RTCPeerConnection({ iceServers: await ice() })
    this.pc = pc
    for (const track of this.stream.getTracks()) {
      if (track.kind === 'video') pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream], sendEncodings: layers })
      else pc.addTransceiver(track, { direction: 'sendonly', streams: [this.stream] })
    }
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.onEnded()
    }
    try {
      this.location = await negotiate(pc, `/roadshows/${roadshowId}/stage/publish`)
    } catch (e) {
      this.close()
      throw e
    }
  }

  // enable switches a medium on or off here too (the server enforces it).
  enable(kind: 'audio' | 'video', on: boolean) {
    for (const t of this.stream.getTracks()) if (t.kind === kind) t.enabled = on
  }

  close() {
    if (this.location) fetch(this.location, { method: 'DELETE' }).catch(() => {})
    this.location = ''
    this.pc?.close()
    this.pc = null
    for (const t of this.stream.getTracks()) t.stop()
  }
}

// Watching receives one publisher's audio and video.
export class Watching {
  pc: RTCPeerConnection | null = null
  stream = new MediaStream()
  private location = ''
  onEnded: () => void = () => {}

  async start(roadshowId: string, userId: string) {
    const pc = new RTCPeerConnection({ iceServers: await ice() })
    this.pc = pc
    pc.addTransceiver('audio', { direction: 'recvonly' })
    pc.addTransceiver('video', { direction: 'recvonly' })
    pc.ontrack = (ev) => { this.stream.addTrack(ev.track) }
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.onEnded()
    }
    try {
      this.location = await negotiate(pc, `/roadshows/${roadshowId}/stage/watch/${userId}`)
    } catch (e) {
      this.close()
      throw e
    }
  }

  close() {
    if (this.location) fetch(this.location, { method: 'DELETE' }).catch(() => {})
    this.location = ''
    this.pc?.close()
    this.pc = null
  }
}
