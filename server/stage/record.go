package stage

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/h264writer"
	"github.com/pion/webrtc/v4/pkg/media/ivfwriter"
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

// recording writes one source to a file. The source's forwarder writes;
// the room's goroutine opens and closes.
type recording struct {
	mu     sync.Mutex
	w      interface{ WriteRTP(*rtp.Packet) error }
	close_ func() error
	src    *source
	start  *keyframeWait // a video file's wait for its first key frame; nil once it came (and for audio)
	done   bool
}

// write writes packet p of rec's source, received at now (Unix ns). A
// video file starts at a key frame: until one comes, its packets are
// passed over (pion's writers would drop them too) and the publisher is
// asked again, as a viewer's sink asks (keyframeWait).
func (rec *recording) write(p *rtp.Packet, now int64) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.done {
		return
	}
	if rec.start != nil {
		if !rec.start.starts(rec.src, p, now) {
			return
		}
		rec.start = nil
		rec.src.pub.debug("recording starts", "rid", rec.src.rid, "seq", p.SequenceNumber)
	}
	_ = rec.w.WriteRTP(p)
}

func (rec *recording) close() {
	rec.src.rec.Store(nil)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if !rec.done {
		rec.done = true
		_ = rec.close_()
	}
}

// record keeps p's recordings on what it sends now: its audio and its
// best video layer, in this slot's files. On the room's goroutine.
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
		cur := p.recs[kind]
		if cur != nil && cur.src == want {
			continue
		}
		if cur != nil {
			cur.close()
			delete(p.recs, kind)
		}
		if want == nil {
			continue
		}
		rec, err := p.r.s.openRecording(p, want)
		if err != nil {
			p.r.s.log.Error("stage recording", "roadshow", p.r.id, "user", p.who.UserID, "err", err)
			continue
		}
		if rec.start != nil {
			rec.start.ask(want, time.Now().UnixNano()) // before the forwarder sees rec, which then guards it
		}
		p.recs[kind] = rec
		want.rec.Store(rec)
	}
}

// rotateRecordings closes this slot's files and starts the next slot's.
func (p *publisher) rotateRecordings() {
	for k, rec := range p.recs {
		rec.close()
		delete(p.recs, k)
	}
	p.record()
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
	rec := &recording{src: src}
	if e.Kind == "video" {
		rec.start = &keyframeWait{isKey: keyframeTest(src.track.Codec().MimeType)}
	}
	switch e.Format {
	case "ivf":
		w, err := ivfwriter.New(path, ivfwriter.WithCodec(webrtc.MimeTypeVP8))
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
