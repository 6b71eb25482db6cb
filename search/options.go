package search

// Option configures an engine.
type Option func(*options)

type options struct {
	vocab *vocab
	plain bool
}

// WithVocabulary gives the engine the deployment's sector and district
// terms and synonyms (from the taxonomy file).
func WithVocabulary(v Vocabulary) Option {
	return func(o *options) { o.vocab = compileVocab(v) }
}

// PlainLayout indexes words as typed only, without pinyin, vocabulary
// terms, suggestion terms or highlight sources: the layout before them,
// kept as the baseline of scripts/searchbench's build time and size.
func PlainLayout() Option {
	return func(o *options) { o.plain = true }
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
