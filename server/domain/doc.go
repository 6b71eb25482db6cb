// Package domain holds the platform's types, codes and errors. It has no
// dependencies on storage, transport or any third-party package, so every other
// package of the server can share it without import cycles.
package domain
