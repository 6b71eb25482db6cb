// Package app holds the platform's use cases: accounts, sessions and the
// three kinds of profile. It enforces validation and who may do what, and
// talks to storage only through the small interfaces declared beside each
// service. It knows nothing of HTTP.
package app
