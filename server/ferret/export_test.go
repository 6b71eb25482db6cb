package ferret

// OnReadersWait has f called when Close starts waiting for the direct
// reads under way.
func (s *Server) OnReadersWait(f func()) {
	s.readers.mu.Lock()
	defer s.readers.mu.Unlock()
	s.readers.onWait = f
}
