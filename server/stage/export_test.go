package stage

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
