package ferret

import (
	"math/rand/v2"
	"testing"
)

// TestScannerRefusesBrokenText: the stored-JSON scanner and the BSON it
// feeds give an error, never a panic, for any cut or altered copy of a
// stored document (a FerretDB upgrade or a damaged file must not take the
// server down).
func TestScannerRefusesBrokenText(t *testing.T) {
	doc := `{"$s":{"p":{"_id":{"t":"string"},"n":{"t":"int"},"a":{"t":"array","i":[{"t":"object","$s":{"p":{"k":{"t":"bool"}},"$k":["k"]}},{"t":"binData","s":0}]},"s":{"t":"string"}},"$k":["_id","n","a","s"]},` +
		`"_id":"x\"y","n":3,"a":[{"k":true},"AAEC"],"s":"a\\\\\"b"}`
	var c schemaCache
	if _, err := c.sjsonToBSON(nil, []byte(doc)); err != nil {
		t.Fatalf("the whole document: %v", err)
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := range len(doc) {
		if _, err := c.sjsonToBSON(nil, []byte(doc[:i])); err == nil && i > 0 {
			t.Errorf("a document cut at %d read", i)
		}
		for range 20 {
			b := []byte(doc)
			b[rnd.IntN(len(b))] = `{}[]":,\ 0a`[rnd.IntN(11)]
			_, _ = c.sjsonToBSON(nil, b) // must not panic
		}
	}
}
