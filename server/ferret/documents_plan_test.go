package ferret

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadDocumentsUsesTheIDIndex: SQLite answers ReadDocuments' IN list
// through the index IndexIDs makes, so a read of many documents is as
// many index look-ups, never a scan of the table.
func TestReadDocumentsUsesTheIDIndex(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE "things_1" (_ferretdb_sjson TEXT)`,
		`CREATE INDEX "things_1_yc_id" ON "things_1" (_ferretdb_sjson->'$._id')`, // as indexIDs makes it
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{1, 16, 100} {
		args := make([]any, n)
		for i := range args {
			args[i] = `"x"`
		}
		rows, err := db.Query("EXPLAIN QUERY PLAN "+readDocumentsQuery("things_1", n), args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX things_1_yc_id") || strings.Contains(p, "SCAN things_1") {
			t.Errorf("%d ids: query plan %q does not read by the id index", n, p)
		}
	}
}
