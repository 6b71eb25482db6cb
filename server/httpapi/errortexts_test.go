package httpapi

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/yuechuang/yuechuang/server/auth"
)

var update = flag.Bool("update", false, "rewrite the generated contract files (error codes, openapi.json, TypeScript types)")

// codesFile is the list of every error and field code the server can send;
// frontend/src/i18n.test.ts fails on a code without zh and en words.
const codesFile = "../../frontend/src/generated/codes.json"

// dynamicCodes are the code arguments that are not a literal or a constant,
// by file and expression, with every value each can take. A new computed
// code nobody listed here fails the test.
var dynamicCodes = map[string][]string{
	// checkPassword reports auth.CheckPassword's refusal as the field's code.
	"app/accounts.go: code": {auth.PasswordTooShort, auth.PasswordTooLong, auth.PasswordIsEmail, auth.PasswordCommon},
	// The room sends a refused command's domain.Error code on the socket;
	// those errors are collected where they are made.
	"realtime/room.go: e.Code": nil,
}

// errorMakers are the functions that build errors from their arguments;
// their callers are checked instead.
var errorMakers = map[string]bool{"CodedError": true, "FieldInvalid": true, "fieldProblem": true, "CheckCode": true, "refuse": true, "errorFrame": true, "problem": true}

// codeShape is what a stable code looks like.
var codeShape = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestErrorTexts reads every non-test Go file of the server and finds each
// error it can send: domain.Error literals, CodedError, FieldInvalid,
// Validator.CheckCode, the room's refuse and errorFrame. It fails when a
// detail or field message holds Chinese (or any CJK) text, when a code is
// not a stable snake_case constant, and when the generated list of codes
// (frontend/src/generated/codes.json, rewritten with -update) is stale.
func TestErrorTexts(t *testing.T) {
	found := scanErrors(t, "..")
	if len(found.errors) < 40 || len(found.fields) < 15 {
		t.Fatalf("only %d error codes and %d field codes found: the scan is broken", len(found.errors), len(found.fields))
	}
	for _, p := range found.problems {
		t.Error(p)
	}
	want := codeList{Errors: sortedKeys(found.errors), Fields: sortedKeys(found.fields)}
	b, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(codesFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(codesFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(codesFile)
	if err != nil || string(got) != string(b) {
		t.Errorf("%s is stale: run `make contract` (go test ./server/httpapi -run 'TestErrorTexts|TestOpenAPI' -update)", codesFile)
	}
}

type codeList struct {
	Errors []string `json:"errors"`
	Fields []string `json:"fields"`
}

type errorScan struct {
	errors, fields map[string]bool
	problems       []string
	seenDynamic    map[string]bool
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func scanErrors(t *testing.T, root string) errorScan {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string][]*ast.File{} // by directory
	names := map[*ast.File]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "seed") && path != root {
			return filepath.SkipDir // demo data and fixtures send no errors
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		files[dir] = append(files[dir], f)
		rel, _ := filepath.Rel(root, path)
		names[f] = filepath.ToSlash(rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// String constants by package directory name, so that a code may be a
	// constant of its own package (ErrBadFrame) or another (realtime.ErrMuted).
	consts := map[string]map[string]string{}
	for dir, fs := range files {
		pkg := filepath.Base(dir)
		if consts[pkg] == nil {
			consts[pkg] = map[string]string{}
		}
		for _, f := range fs {
			for _, decl := range f.Decls {
				g, ok := decl.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := stringLit(vs.Values[i]); ok {
								consts[pkg][n.Name] = s
							}
						}
					}
				}
			}
		}
	}
	s := errorScan{errors: map[string]bool{}, fields: map[string]bool{}}
	for dir, fs := range files {
		pkg := filepath.Base(dir)
		for _, f := range fs {
			file := names[f]
			where := func(n ast.Node) string { return fmt.Sprintf("%s:%d", file, fset.Position(n.Pos()).Line) }
			code := func(into map[string]bool, e ast.Expr) {
				var values []string
				switch x := e.(type) {
				case *ast.BasicLit:
					v, _ := stringLit(x)
					values = []string{v}
				case *ast.Ident:
					v, ok := consts[pkg][x.Name]
					if !ok {
						values = s.dynamic(file, x, where(e))
						break
					}
					values = []string{v}
				case *ast.SelectorExpr:
					id, ok := x.X.(*ast.Ident)
					v, found := "", false
					if ok {
						v, found = consts[id.Name][x.Sel.Name]
					}
					if !found {
						values = s.dynamic(file, x, where(e))
						break
					}
					values = []string{v}
				default:
					values = s.dynamic(file, x, where(e))
				}
				for _, v := range values {
					if !codeShape.MatchString(v) {
						s.problems = append(s.problems, fmt.Sprintf("%s: code %q is not a stable snake_case code", where(e), v))
					}
					into[v] = true
				}
			}
			text := func(e ast.Expr) {
				ast.Inspect(e, func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						if hasCJK(v) {
							s.problems = append(s.problems, fmt.Sprintf("%s: error text %s is not short English: the web app words codes in i18n.ts", where(lit), lit.Value))
						}
					}
					return true
				})
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncDecl:
					return !errorMakers[x.Name.Name] // they pass their callers' codes on
				case *ast.CallExpr:
					switch callName(x) {
					case "CodedError", "refuse": // (kind, code, detail)
						if len(x.Args) == 3 {
							code(s.errors, x.Args[1])
							text(x.Args[2])
						}
					case "errorFrame": // (seq, code, detail, ref)
						if len(x.Args) == 4 {
							code(s.errors, x.Args[1])
							text(x.Args[2])
						}
					case "CheckCode": // (ok, field, code, message)
						if len(x.Args) == 4 {
							code(s.fields, x.Args[2])
							text(x.Args[3])
						}
					case "FieldInvalid", "fieldProblem": // (field, code, message)
						if len(x.Args) == 3 {
							s.errors["validation_failed"] = true
							code(s.fields, x.Args[1])
							text(x.Args[2])
						}
					}
				case *ast.CompositeLit:
					kv := map[string]ast.Expr{}
					for _, el := range x.Elts {
						if p, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := p.Key.(*ast.Ident); ok {
								kv[k.Name] = p.Value
							}
						}
					}
					_, hasKind := kv["Kind"]
					_, hasDetail := kv["Detail"]
					_, hasField := kv["Field"]
					// A literal of a named type is an error only if the type
					// is one (a queue item has a Detail too); an elided type
					// ({Field: ...} in a []FieldError) is judged by its keys.
					switch typeName(x.Type) {
					case "":
					case "Error":
						hasField = false
					case "FieldError":
						hasKind, hasDetail = false, false
					default:
						hasKind, hasDetail, hasField = false, false, false
					}
					switch {
					case hasKind || hasDetail: // a domain.Error
						if c, ok := kv["Code"]; ok {
							code(s.errors, c)
						} else if hasDetail {
							s.problems = append(s.problems, where(x)+": an error without a code")
						}
						if d, ok := kv["Detail"]; ok {
							text(d)
						}
					case hasField: // a domain.FieldError
						if c, ok := kv["Code"]; ok {
							code(s.fields, c)
						} else {
							s.problems = append(s.problems, where(x)+": a field error without a code")
						}
						if m, ok := kv["Message"]; ok {
							text(m)
						}
					}
				}
				return true
			})
		}
	}
	for k := range dynamicCodes {
		if !s.seenDynamic[k] {
			s.problems = append(s.problems, fmt.Sprintf("dynamicCodes lists %q, which no longer occurs", k))
		}
	}
	return s
}

// dynamic returns the listed values of a computed code argument.
func (s *errorScan) dynamic(file string, e ast.Expr, where string) []string {
	key := file + ": " + exprString(e)
	values, ok := dynamicCodes[key]
	if !ok {
		s.problems = append(s.problems, fmt.Sprintf("%s: code %s is computed: use a constant, or list its values in dynamicCodes as %q", where, exprString(e), key))
	}
	if s.seenDynamic == nil {
		s.seenDynamic = map[string]bool{}
	}
	s.seenDynamic[key] = true
	return values
}

// typeName is the name of a literal's type, "" when elided.
func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

func callName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func exprString(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.BasicLit:
		return x.Value
	case *ast.CallExpr:
		return exprString(x.Fun) + "()"
	}
	return fmt.Sprintf("%T", e)
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) {
			return true
		}
	}
	return false
}

// TestErrorTextsScan shows the scan catches what it is for: a bilingual
// detail, a computed code and a field error without a code.
func TestErrorTextsScan(t *testing.T) {
	dir := t.TempDir()
	src := `package app

import "github.com/yuechuang/yuechuang/server/domain"

const codeOK = "fine_code"

var a = domain.CodedError(domain.KindInvalid, codeOK, "请先登录 / sign in first")
var b = domain.CodedError(domain.KindInvalid, someFunc(), "fine")
var c = domain.FieldError{Field: "x", Message: "fine"}
var d = &domain.Error{Kind: domain.KindInvalid, Code: "Bad Code", Detail: "ok"}
`
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app", "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s := scanErrors(t, dir)
	all := strings.Join(s.problems, "\n")
	for _, want := range []string{"app/x.go:7: error text", "app/x.go:8: code someFunc", "app/x.go:9: a field error without a code", `app/x.go:10: code "Bad Code"`} {
		if !strings.Contains(all, want) {
			t.Errorf("scan missed %q; it reported:\n%s", want, all)
		}
	}
	if !s.errors["fine_code"] {
		t.Errorf("scan did not resolve the constant code: %v", s.errors)
	}
}
