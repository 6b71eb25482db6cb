package benchrun

import (
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// ReferenceHasher returns a Hasher at the server's default costs that
// derives its keys in one warm child process of this tool (kdfproc), as
// the server derives its own: the hash measured alone, the floor that
// sign-ups and sign-ins are set against. In this process it would carry
// this process's own costs (a collection of its heap, faults on the fresh
// memory each hash allocates) and so set the floor higher than argon2 is.
// The tool's main must serve as the child first thing (kdfproc.IsChild,
// kdfproc.ServeChild); close ends the child.
func ReferenceHasher() (h *auth.Hasher, close func() error, err error) {
	pool, err := kdfproc.New(kdfproc.Options{Procs: 1, Warm: auth.DefaultHashParams})
	if err != nil {
		return nil, nil, err
	}
	<-pool.Warmed()
	return auth.NewHasherWith(auth.DefaultHashParams, pool.Key), pool.Close, nil
}
