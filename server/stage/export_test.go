package stage

import "time"

// Sessions counts the publishers and viewers of roadshow id's stage.
func Sessions(s *Stage, id string) (publishers, viewers int) {
	r, err := s.room(id, false)
	if err != nil {
		return 0, 0
	}
	defer s.release(r)
	r.sync(func() {
		publishers = len(r.byUser)
		viewers = len(r.sessions) - publishers
	})
	return publishers, viewers
}

// WantLayer points every viewer of roadshow id's stage at the video layer
// named rid, as the layer choice does when a viewer falls behind.
func WantLayer(s *Stage, id, rid string) bool {
	r, err := s.room(id, false)
	if err != nil {
		return false
	}
	defer s.release(r)
	found := false
	r.sync(func() {
		for _, p := range r.byUser {
			for _, l := range *p.layers.Load() {
				if l.rid != rid {
					continue
				}
				found = true
				for _, sk := range *p.videoSinks.Load() {
					sk.setWant(l)
				}
				p.keyframe(l)
			}
		}
	})
	return found
}

// ChooseLayer is the layer choice, by index into layers (-1: none).
func ChooseLayer(n, want int, fractionLost uint8, now time.Time, bad *int, goodSince *time.Time) int {
	layers := make([]*source, n)
	for i := range layers {
		layers[i] = &source{}
	}
	var w *source
	if want >= 0 {
		w = layers[want]
	}
	got := chooseLayer(layers, w, fractionLost, now, bad, goodSince)
	for i, l := range layers {
		if l == got {
			return i
		}
	}
	return -1
}

// VP8Keyframe is vp8Keyframe.
var VP8Keyframe = vp8Keyframe

// H264Keyframe is h264Keyframe.
var H264Keyframe = h264Keyframe
