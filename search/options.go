package search

// Option configures an engine.
type Option func(*options)

type options struct{ vocab *vocab }

// WithVocabulary gives the engine the deployment's sector and district
// terms and synonyms (from the taxonomy file).
func WithVocabulary(v Vocabulary) Option {
	return func(o *options) { o.vocab = compileVocab(v) }
}

func buildOptions(opts []Option) options {
	o := options{}
	for _, f := range opts {
		f(&o)
	}
	if o.vocab == nil {
		o.vocab = compileVocab(Vocabulary{})
	}
	return o
}
