package stage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/h264writer"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Recording is one publisher's audio or video of one slot, as received
// (IVF holding VP8, Ogg holding Opus).
type Recording struct {
	File        string    `json:"file"`
	Slot        int       `json:"slot"`
	StartupID   string    `json:"startupId"`
	StartupName string    `json:"startupName"`
	UserID      string    `json:"userId"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`   // audio or video
	Format      string    `json:"format"` // ivf (VP8), h264 (Annex B) or ogg (Opus)
	StartedAt   time.Time `json:"startedAt"`
	Bytes       int64     `json:"bytes"`
}

// ErrNoRecording answers a recording that does not exist.
var ErrNoRecording = domain.CodedError(domain.KindNotFound, "no_recording", "no such recording")

// indexFile lists a roadshow's recordings, one JSON object a line, each
// written when its file is opened: a crash leaves the file and its entry.
const indexFile = "index.jsonl"

// recording writes one of a publisher's media to a file, following its
// tracks as a viewer's sink does (follow): after a gap (the medium held
// off, a track replaced, another layer) a video file goes on only at a
// key frame, asked for by keyframeWait. The source's forwarders write;
// the room's goroutine opens and closes.
type recording struct {
	follow
	w      interface{ WriteRTP(*rtp.Packet) error }
	close_ func() error
	frames frameQueue // video: packets put back in order, frames written whole
	done   bool
}

// write writes packet p of src, received at now (pub.now), if src is what
// rec follows. A video frame is handed to the writer whole, in order, once
// all its packets came (frameQueue, which waits for the ones resent after
// a loss): one cut short by a gap is left out rather than written glued to
// the key frame after it (pion's writers would do that).
func (rec *recording) write(src *source, p *rtp.Packet, now int64) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.done {
		return
	}
	if from := rec.want; rec.unstall(src, now) != nil {
		rec.pub.debug("recorded layer stalled", "from", ridOf(from), "to", ridOf(rec.want))
	}
	var out rtp.Packet
	switch rec.pass(src, p, now, &out) {
	case ignored, waiting:
		return
	case started:
		rec.frames.reset(out.SequenceNumber)
		rec.pub.debug("recording starts", "video", rec.video, "rid", src.rid, "seq", p.SequenceNumber)
	}
	if !rec.video {
		_ = rec.w.WriteRTP(&out)
		return
	}
	// out's payload is the forwarder's buffer, read into again next.
	if pre, ok := rec.before(&out); ok {
		rec.frames.reset(pre.SequenceNumber)
		rec.push(src, pre.Clone(), now)
	}
	rec.push(src, out.Clone(), now)
}

// push hands packet p of src to the frame queue and writes what it
// readies; when the queue gives up on a lost packet with no key frame to
// go on at, the recording waits for one, as after any gap. Under mu.
func (rec *recording) push(src *source, p *rtp.Packet, now int64) {
	ready, lost := rec.frames.push(p, now, rec.key.isKey)
	for _, q := range ready {
		_ = rec.w.WriteRTP(q)
	}
	if lost {
		rec.pub.debug("recording lost a packet; it waits for a key frame", "rid", src.rid)
		rec.cur = nil
		rec.key.ask(src, now)
	}
}

func (rec *recording) close() {
	rec.pub.recOf(rec.video).CompareAndSwap(rec, nil)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if !rec.done {
		rec.done = true
		_ = rec.close_()
	}
}

// record keeps p's recordings of this slot: its audio and its video, each
// in one file that follows what p sends (the video by the viewers' rules:
// the best layer, or the best still flowing; newLayers and unstall). On
// the room's goroutine.
func (p *publisher) record() {
	rules := p.r.rules
	if p.r.s.cfg.RecordDir == "" || rules == nil || !rules.Live || p.closed {
		return
	}
	var audio *source
	for _, s := range p.sources {
		if s.kind == webrtc.RTPCodecTypeAudio {
			audio = s
		}
	}
	for kind, want := range map[webrtc.RTPCodecType]*source{webrtc.RTPCodecTypeAudio: audio, webrtc.RTPCodecTypeVideo: first(*p.layers.Load())} {
		if rec := p.recOf(kind == webrtc.RTPCodecTypeVideo).Load(); rec != nil {
			if kind == webrtc.RTPCodecTypeAudio && want != nil {
				rec.setWant(want) // a replaced track; video's layers follow setLayers
			}
			continue
		}
		if want == nil {
			continue
		}
		rec, err := p.r.s.openRecording(p, want)
		if err != nil {
			p.r.s.log.Error("stage recording", "roadshow", p.r.id, "user", p.who.UserID, "err", err)
			continue
		}
		// Before the forwarders see rec, which then guards these.
		rec.want = want
		if rec.video {
			rec.key.ask(want, p.now())
		}
		p.recOf(rec.video).Store(rec)
	}
}

// recOf is where the forwarders find the video's or the audio's recording.
func (p *publisher) recOf(video bool) *atomic.Pointer[recording] {
	if video {
		return &p.videoRec
	}
	return &p.audioRec
}

// rotateRecordings closes this slot's files and starts the next slot's.
func (p *publisher) rotateRecordings() {
	p.closeRecordings()
	p.record()
}

// closeRecordings closes this slot's files; on the room's goroutine.
func (p *publisher) closeRecordings() {
	for _, video := range []bool{false, true} {
		if rec := p.recOf(video).Load(); rec != nil {
			rec.close() // which takes it from recOf
		}
	}
}

func (s *Stage) openRecording(p *publisher, src *source) (*recording, error) {
	rules := p.r.rules
	dir := filepath.Join(s.cfg.RecordDir, p.r.id)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	e := Recording{Slot: rules.Slot, StartupID: rules.StartupID, StartupName: rules.StartupName, UserID: p.who.UserID, Name: p.who.Name,
		Kind: "audio", Format: "ogg", StartedAt: now}
	h264 := strings.EqualFold(src.track.Codec().MimeType, webrtc.MimeTypeH264)
	switch {
	case src.kind == webrtc.RTPCodecTypeVideo && h264:
		e.Kind, e.Format = "video", "h264"
	case src.kind == webrtc.RTPCodecTypeVideo:
		e.Kind, e.Format = "video", "ivf"
	}
	e.File = fmt.Sprintf("slot%d-%s-%s-%d.%s", rules.Slot+1, p.who.UserID, e.Kind, now.UnixMilli(), e.Format)
	path := filepath.Join(dir, e.File)
	rec := &recording{}
	rec.init(p, src.kind, src.track.Codec().MimeType)
	switch e.Format {
	case "ivf":
		w, err := newIVFFile(path)
		if err != nil {
			return nil, err
		}
		rec.w, rec.close_ = w, w.Close
	case "h264":
		w, err := h264writer.New(path)
		if err != nil {
			return nil, err
		}
		rec.w, rec.close_ = w, w.Close
	default:
		w, err := oggwriter.New(path, 48000, 2)
		if err != nil {
			return nil, err
		}
		rec.w, rec.close_ = w, w.Close
	}
	line, _ := json.Marshal(e)
	f, err := os.OpenFile(filepath.Join(dir, indexFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o640)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		_ = rec.close_()
		return nil, err
	}
	return rec, nil
}

// Recordings lists roadshow id's recordings, oldest first, with their
// sizes now (a recording in progress grows).
func (s *Stage) Recordings(id string) ([]Recording, error) {
	out := []Recording{}
	if s.cfg.RecordDir == "" || !domain.ValidID(id) {
		return out, nil
	}
	dir := filepath.Join(s.cfg.RecordDir, id)
	f, err := os.Open(filepath.Join(dir, indexFile))
	if os.IsNotExist(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Recording
		if json.Unmarshal(sc.Bytes(), &e) != nil || filepath.Base(e.File) != e.File {
			continue // a line cut short by a crash
		}
		st, err := os.Stat(filepath.Join(dir, e.File))
		if err != nil {
			continue
		}
		e.Bytes = st.Size()
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b Recording) int { return a.StartedAt.Compare(b.StartedAt) })
	return out, sc.Err()
}

// OpenRecording opens one of roadshow id's recordings by its file name.
func (s *Stage) OpenRecording(id, file string) (*os.File, Recording, error) {
	list, err := s.Recordings(id)
	if err != nil {
		return nil, Recording{}, err
	}
	for _, e := range list {
		if e.File == file {
			f, err := os.Open(filepath.Join(s.cfg.RecordDir, id, e.File))
			return f, e, err
		}
	}
	return nil, Recording{}, ErrNoRecording
}
