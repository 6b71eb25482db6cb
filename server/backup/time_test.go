package backup_test

import "time"

var testNow = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
