package app

import (
	"reflect"
	"testing"
)

// TestFoldEntriesHoldNoPointers: a held fold's people, messages and
// questions are spans of its text, so that the garbage collector scans none
// of them (RoomFold); a string or a slice added to one of them would make
// every held room's entries scanned again.
func TestFoldEntriesHoldNoPointers(t *testing.T) {
	var pointers func(reflect.Type) bool
	pointers = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				if pointers(t.Field(i).Type) {
					return true
				}
			}
			return false
		case reflect.Array:
			return pointers(t.Elem())
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			return false
		}
		return true
	}
	for _, x := range []any{foldPerson{}, foldMessage{}, foldQuestion{}} {
		if pointers(reflect.TypeOf(x)) {
			t.Errorf("%T holds a pointer", x)
		}
	}
}
