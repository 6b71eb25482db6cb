package stage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

func TestHostBringsSpeakerOnStageAndTakesThemOff(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)

	// Raised hand: not yet on stage.
	ctx := ctxT(t, 20*time.Second)
	p, err := stagetest.NewPublisher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, _, err = r.stage.Publish(ctx, rsID, speaker, r.rules(), p.Offer)
	wantCode(t, err, "stage_forbidden")

	r.do(host, roadshow.InviteSpeaker{UserID: speakerID, Name: speaker.Name})
	r.publish(speaker, 300_000)
	live := r.waitLive(liveWith(founderA, speakerID))
	if live[0].UserID != founderA || live[1].As != "speaker" {
		t.Fatalf("stage order %+v: the presenter first, then the speaker", live)
	}
	v, _ := r.watch(speakerID)
	flowing(t, v)

	// The host turns the speaker's camera off: video stops, audio flows.
	off := false
	r.do(host, roadshow.SetMedia{UserID: speakerID, Video: &off})
	r.waitLive(func(l []roadshow.LivePublisher) bool {
		return len(l) == 2 && l[1].UserID == speakerID && !l[1].Video && l[1].Audio
	})
	time.Sleep(300 * time.Millisecond) // packets already in flight
	vid, aud := v.Got("video").Packets, v.Got("audio").Packets
	if err := v.WaitFor(ctxT(t, 10*time.Second), func(a, _ stagetest.Count) bool { return a.Packets > aud+50 }); err != nil {
		t.Fatal(err)
	}
	if got := v.Got("video").Packets; got != vid {
		t.Fatalf("video went on after the host turned the camera off: %d → %d packets", vid, got)
	}
	// The speaker cannot turn it back on; the host can.
	on := true
	if _, refusal := roadshow.Decide(r.st, agenda, speaker, roadshow.SetMedia{Video: &on}, time.Now()); refusal == nil || refusal.Code != "host_muted" {
		t.Fatalf("speaker turned on what the host turned off: %v", refusal)
	}
	r.do(host, roadshow.SetMedia{UserID: speakerID, Video: &on})
	if err := v.WaitFor(ctxT(t, 10*time.Second), func(_, vd stagetest.Count) bool { return vd.Packets > vid+30 }); err != nil {
		t.Fatal(err)
	}

	// Taken off the stage: disconnected, and refused if they try again.
	r.do(host, roadshow.RemoveFromStage{UserID: speakerID})
	r.waitLive(liveWith(founderA))
	waitClosed(t, v.PC)
	_, _, err = r.stage.Publish(ctx, rsID, speaker, r.rules(), p.Offer)
	wantCode(t, err, "off_stage")
}

func TestStageFollowsTheAgendaAndRecordsEachSlot(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)
	r.publish(host, 300_000)
	v, _ := r.watch(founderA)
	flowing(t, v)
	time.Sleep(time.Second) // something to record

	// The next slot: the first presenter's time is over, the host stays.
	r.do(host, roadshow.Advance{})
	r.waitLive(liveWith(hostID))
	waitClosed(t, v.PC)
	r.publish(presB, 300_000)
	r.waitLive(liveWith(hostID, founderB))
	time.Sleep(time.Second)

	recs := r.end()
	type key struct {
		slot       int
		user, kind string
	}
	got := map[key]stage.Recording{}
	for _, rec := range recs {
		got[key{rec.Slot, rec.UserID, rec.Kind}] = rec
	}
	for _, k := range []key{{0, founderA, "video"}, {0, founderA, "audio"}, {0, hostID, "video"}, {1, hostID, "video"}, {1, founderB, "video"}, {1, founderB, "audio"}} {
		rec, ok := got[k]
		if !ok {
			t.Errorf("no recording of %+v in %+v", k, recs)
			continue
		}
		if rec.Bytes == 0 {
			t.Errorf("recording %s is empty", rec.File)
		}
		if k.kind == "video" {
			f, err := os.Open(filepath.Join(r.dir, rsID, rec.File))
			if err != nil {
				t.Fatal(err)
			}
			ivf, hdr, err := ivfreader.NewWith(f)
			if err != nil || hdr.FourCC != "VP80" {
				t.Fatalf("%s: %v %+v", rec.File, err, hdr)
			}
			if hdr.Width != stagetest.Width || hdr.Height != stagetest.Height {
				t.Errorf("%s: the header says %d×%d, the key frames %d×%d", rec.File, hdr.Width, hdr.Height, stagetest.Width, stagetest.Height)
			}
			frames := 0
			for {
				if _, _, err := ivf.ParseNextFrame(); err != nil {
					break
				}
				frames++
			}
			f.Close()
			if frames < 10 {
				t.Errorf("%s holds %d frames", rec.File, frames)
			}
		}
	}
	if _, _, err := r.stage.OpenRecording(rsID, "../index.jsonl"); err == nil {
		t.Fatal("opened a file that is not a recording")
	}
}
