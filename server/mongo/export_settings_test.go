package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ColNoteSettings names the settings' collection for tests that write it
// behind the process's back.
const ColNoteSettings = colNoteSettings

// EachNotificationSettings is the settings memo's load (its straight read
// and the driver's are compared in TestLoadScansAnswerAsTheDriver).
func (d *DB) EachNotificationSettings(ctx context.Context, fn func(*domain.NotificationSettings) error) error {
	return d.eachNotificationSettings(ctx, fn)
}
