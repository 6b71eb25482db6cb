package mongo

import (
	"context"
	"slices"

	"github.com/yuechuang/yuechuang/server/domain"
)

// MarkRead marks the user's notifications with ids (all when ids is nil)
// read: the buckets holding ids, or those from the oldest unread one on.
func (d *DB) MarkRead(ctx context.Context, userID string, ids []string) error {
	defer d.lockLog(userID)()
	h, err := d.absorb(ctx, userID)
	if err != nil || h.Count == 0 {
		return err
	}
	var buckets []int
	want := map[string]bool{}
	if ids == nil {
		for b := h.UnreadFrom; b <= bucketOf(h.Count-1); b++ {
			buckets = append(buckets, b)
		}
	} else {
		for _, id := range ids {
			want[id] = true
			if b := findBucket(h, id); !slices.Contains(buckets, b) {
				buckets = append(buckets, b)
			}
		}
	}
	marked := 0
	for _, b := range buckets {
		n, err := d.setFlag(ctx, userID, b, func(it noteItem) bool { return ids == nil || want[it.ID] },
			func(it *noteItem) bool { was := it.Read; it.Read = true; return !was })
		if err != nil {
			return err
		}
		marked += n
	}
	_, err = d.updateHead(ctx, userID, func(nh *noteHead) {
		nh.Unread = max(nh.Unread-marked, 0)
		if ids == nil && nh.Count == h.Count {
			// Everything is read: the counter is exact again, whatever
			// a crashed append left.
			nh.Unread, nh.UnreadFrom = 0, bucketOf(h.Count)
		}
	})
	return err
}

// PendingDigest returns the digest-only notifications not yet summed up:
// for each user listed as waiting, the buckets from their oldest waiting one.
func (d *DB) PendingDigest(ctx context.Context) ([]domain.Notification, error) {
	var doc struct {
		Users []string `bson:"users"`
	}
	err := mapErr("digest users", d.db.Collection(colMeta).FindOne(ctx, byID(digestUsersID)).Decode(&doc))
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return nil, err
	}
	var out []domain.Notification
	for _, u := range doc.Users {
		h, dr, err := d.logOf(ctx, u)
		if err != nil {
			return nil, err
		}
		for b := h.DigestFrom; b <= bucketOf(max(h.Count-1, 0)) && h.LastDigest >= 0; b++ {
			items, err := d.bucket(ctx, u, b)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if it.Pos < h.Count && it.Digest && !it.Digested {
					out = append(out, it.Notification)
				}
			}
		}
		for _, n := range dr {
			if n.Digest && !n.Digested {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// MarkDigested records that notifications were summed up in a digest.
func (d *DB) MarkDigested(ctx context.Context, ns []domain.Notification) error {
	byUser := map[string][]string{}
	for _, n := range ns {
		byUser[n.UserID] = append(byUser[n.UserID], n.ID)
	}
	for u, ids := range byUser {
		d.giveWay(ctx) // the daily digest is background work
		if err := d.markDigested(ctx, u, ids); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) markDigested(ctx context.Context, userID string, ids []string) error {
	defer d.lockLog(userID)()
	h, err := d.absorb(ctx, userID)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	var buckets []int
	for _, id := range ids {
		want[id] = true
		if b := findBucket(h, id); !slices.Contains(buckets, b) {
			buckets = append(buckets, b)
		}
	}
	last := -1
	for _, b := range buckets {
		_, err := d.setFlag(ctx, userID, b, func(it noteItem) bool { return want[it.ID] },
			func(it *noteItem) bool { last = max(last, it.Pos); was := it.Digested; it.Digested = true; return !was })
		if err != nil {
			return err
		}
	}
	if last < 0 {
		return nil
	}
	// Nothing before the last one summed up waits any more.
	if _, err := d.updateHead(ctx, userID, func(nh *noteHead) { nh.DigestFrom = max(nh.DigestFrom, bucketOf(last)) }); err != nil {
		return err
	}
	if err := d.setDigestUser(ctx, userID, false); err != nil {
		return err
	}
	// A digest notification appended meanwhile by another process may have
	// listed the user before the line above took them off: list them again.
	if h, err = d.head(ctx, userID); err != nil {
		return err
	}
	if h.LastDigest > last {
		return d.setDigestUser(ctx, userID, true)
	}
	return nil
}
