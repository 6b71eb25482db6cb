package httpapi

import (
	"reflect"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
)

// cleanStrings applies domain.CleanText to every string that v (a pointer
// to a decoded body) holds: fields, slices, maps and what pointers point
// to. Secrets (fields whose JSON name ends in "password", tokens) are left
// exactly as typed.
func cleanStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() && v.Kind() == reflect.Pointer {
			cleanStrings(v.Elem())
		}
	case reflect.String:
		if v.CanSet() {
			if c := domain.CleanText(v.String()); c != v.String() {
				v.SetString(c)
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || secret(f) {
				continue
			}
			cleanStrings(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			cleanStrings(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return // maps of other values are not input text here
		}
		for _, k := range v.MapKeys() {
			if s := v.MapIndex(k).String(); domain.CleanText(s) != s {
				v.SetMapIndex(k, reflect.ValueOf(domain.CleanText(s)).Convert(v.Type().Elem()))
			}
		}
	}
}

func secret(f reflect.StructField) bool {
	name := strings.ToLower(strings.Split(f.Tag.Get("json"), ",")[0])
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return strings.HasSuffix(name, "password") || strings.HasSuffix(name, "token") || name == "ticket"
}
