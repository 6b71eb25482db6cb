package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// Tests that kill the real process (SIGKILL) between a write and what
// follows it, and check on the next start that nothing stored was lost.

// TestSavedSurvivesKill creates a profile, kills the server process with
// SIGKILL right after the 201, restarts it on the same data and finds the
// profile: an acknowledged write is durable in the embedded database.
func TestSavedSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	cmd, base := startProcess(t, dir)
	_, reg := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": "f@test.cn", "password": "founder-passphrase", "role": "founder", "name": "创始人"})
	token := reg["accessToken"].(string)
	var ids []string
	for i := 0; i < 5; i++ {
		code, st := call(t, "POST", base+"/api/v1/startups", token, map[string]any{"name": fmt.Sprintf("项目%d", i), "sector": "ic", "stage": "seed", "district": "keqiao"})
		if code != 201 {
			t.Fatalf("create: %d %v", code, st)
		}
		ids = append(ids, st["id"].(string))
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, base = startProcess(t, dir)
	_, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "f@test.cn", "password": "founder-passphrase"})
	token, _ = login["accessToken"].(string)
	for _, id := range ids {
		if code, _ := call(t, "GET", base+"/api/v1/startups/"+id, token, nil); code != 200 {
			t.Errorf("startup %s lost after SIGKILL: %d", id, code)
		}
	}
}

// TestSavedSurvivesKillAcrossCheckpoints creates profiles, waits until the
// embedded engine's checkpointer has copied them back into the database
// file (the file, which only a checkpoint writes, grows), creates more,
// kills the process with SIGKILL, and finds every profile after a
// restart: those copied back and those still only in the WAL.
func TestSavedSurvivesKillAcrossCheckpoints(t *testing.T) {
	dir := t.TempDir()
	cmd, base := startProcess(t, dir)
	_, reg := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": "f@test.cn", "password": "founder-passphrase", "role": "founder", "name": "创始人"})
	token := reg["accessToken"].(string)
	file := filepath.Join(dir, "ferretdb", "yuechuang.sqlite")
	size := func() int64 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	var ids []string
	save := func(i int) {
		code, st := call(t, "POST", base+"/api/v1/startups", token, map[string]any{"name": fmt.Sprintf("项目%d", i), "sector": "ic", "stage": "seed", "district": "keqiao"})
		if code != 201 {
			t.Fatalf("create: %d %v", code, st)
		}
		ids = append(ids, st["id"].(string))
	}
	first := size()
	for i := 0; i < 5; i++ {
		save(i)
	}
	deadline := time.Now().Add(time.Minute)
	for size() == first {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint copied the WAL back within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := 5; i < 10; i++ {
		save(i)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, base = startProcess(t, dir)
	_, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "f@test.cn", "password": "founder-passphrase"})
	token, _ = login["accessToken"].(string)
	for _, id := range ids {
		if code, _ := call(t, "GET", base+"/api/v1/startups/"+id, token, nil); code != 200 {
			t.Errorf("startup %s lost after SIGKILL: %d", id, code)
		}
	}
}

// TestChangeSurvivesKillBeforeDispatch publishes a startup in a process
// that kills itself (SIGKILL) right after the publish is stored and before
// anything dispatches it; after a restart on the same data the search
// index, the investor's deal flow and the investor's match alert all show
// the publish.
func TestChangeSurvivesKillBeforeDispatch(t *testing.T) {
	dir := t.TempDir()
	cmd, base := startProcess(t, dir, "YC_TEST_CRASH_AFTER="+string(domain.ChangeMatchAlert))
	register := func(base, email, role string) string {
		code, reg := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": email, "password": "member-passphrase", "role": role, "name": "测试" + role})
		if code != 201 {
			t.Fatalf("register %s: %d %v", role, code, reg)
		}
		return reg["accessToken"].(string)
	}
	investor := register(base, "i@test.cn", "investor")
	if code, body := call(t, "POST", base+"/api/v1/investors", investor, map[string]any{"name": "王鉴", "kind": "angel",
		"sectors": []string{"ic"}, "stages": []string{"angel"}}); code != 201 {
		t.Fatalf("investor profile: %d %v", code, body)
	}
	founder := register(base, "f@test.cn", "founder")
	code, st := call(t, "POST", base+"/api/v1/startups", founder, map[string]any{"name": "越芯半导体", "oneLiner": "车规级功率芯片",
		"description": "专注车规级功率芯片的设计与量产，服务新能源汽车客户。", "sector": "ic", "stage": "angel", "askWan": 300, "district": "keqiao"})
	if code != 201 {
		t.Fatalf("create: %d %v", code, st)
	}
	id := st["id"].(string)

	req, _ := http.NewRequest("POST", base+"/api/v1/startups/"+id+"/publish", nil)
	req.Header.Set("Authorization", "Bearer "+founder)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("publish answered %d: the process should have died right after storing it", res.StatusCode)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the process exited cleanly; it should have been killed")
	}

	_, base = startProcess(t, dir)
	login := func(email string) string {
		_, body := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": "member-passphrase"})
		return fmt.Sprint(body["accessToken"])
	}
	investor = login("i@test.cn")
	if code, s := call(t, "GET", base+"/api/v1/startups/"+id, "", nil); code != 200 || s["status"] != "published" {
		t.Fatalf("the stored publish is lost: %d %v", code, s["status"])
	}
	searchTotal(t, base, "?q=越芯", 1)
	if code, deals := call(t, "GET", base+"/api/v1/dealflow", investor, nil); code != 200 || deals["total"].(float64) != 1 {
		t.Fatalf("deal flow after restart: %d %v", code, deals)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, notes := call(t, "GET", base+"/api/v1/notifications", investor, nil)
		if items, _ := notes["items"].([]any); len(items) == 1 && items[0].(map[string]any)["type"] == domain.NoteMatch {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no match alert after the restart: %v", notes)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEditSurvivesKillBeforeDispatch kills the real process (SIGKILL) right
// after an edit of a published startup is stored, before the dispatcher
// has passed it to the search index. On the embedded engine the edit's mark
// is in the startup's document, written with it (server/mongo/outbox_doc.go);
// after a restart the search index finds the new name and no longer the old.
func TestEditSurvivesKillBeforeDispatch(t *testing.T) {
	dir := t.TempDir()
	cmd, base := startProcess(t, dir)
	code, reg := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": "f@test.cn", "password": "member-passphrase", "role": "founder", "name": "测试"})
	if code != 201 {
		t.Fatalf("register: %d %v", code, reg)
	}
	founder := reg["accessToken"].(string)
	code, st := call(t, "POST", base+"/api/v1/startups", founder, map[string]any{"name": "越芯半导体", "oneLiner": "车规级功率芯片",
		"description": "专注车规级功率芯片的设计与量产，服务新能源汽车客户。", "sector": "ic", "stage": "angel", "askWan": 300, "district": "keqiao"})
	if code != 201 {
		t.Fatalf("create: %d %v", code, st)
	}
	id := st["id"].(string)
	if code, body := call(t, "POST", base+"/api/v1/startups/"+id+"/publish", founder, nil); code != 200 {
		t.Fatalf("publish: %d %v", code, body)
	}
	searchTotal(t, base, "?q=越芯", 1)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	// The dispatcher keeps a profile's marks for a minute after applying
	// them (app.indexGrace), so the creation's mark would still be pending
	// and would repair the index by itself; clear the outbox as that minute
	// would, so that only the edit's own mark can.
	clearOutbox(t, dir)

	cmd, base = startProcess(t, dir, "YC_TEST_CRASH_AFTER="+string(domain.ChangeStartup))
	_, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "f@test.cn", "password": "member-passphrase"})
	body, _ := json.Marshal(map[string]any{"name": "钱塘光电"})
	req, _ := http.NewRequest("PATCH", base+"/api/v1/startups/"+id, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fmt.Sprint(login["accessToken"]))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the edit answered %d: the process should have died right after storing it", res.StatusCode)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the process exited cleanly; it should have been killed")
	}

	_, base = startProcess(t, dir)
	if code, s := call(t, "GET", base+"/api/v1/startups/"+id, "", nil); code != 200 || s["name"] != "钱塘光电" {
		t.Fatalf("the stored edit is lost: %d %v", code, s["name"])
	}
	searchTotal(t, base, "?q=钱塘", 1)
	searchTotal(t, base, "?q=越芯", 0)
}

// clearOutbox clears every outbox mark, as the dispatcher does, in the stopped platform's data dir.
func clearOutbox(t *testing.T, dir string) {
	t.Helper()
	srv, err := ferret.Start(filepath.Join(dir, "ferretdb"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	db, err := mongo.Open(t.Context(), srv.URI(), "yuechuang", true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	marks, err := db.PendingOutbox(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range marks {
		if err := db.DoneOutbox(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
}
