package mongo

import (
	"context"
	"sort"

	"github.com/yuechuang/yuechuang/server/domain"
)

// logOf reads a user's head and the drops not yet absorbed (notedrops.go),
// which follow the head's positions.
func (d *DB) logOf(ctx context.Context, userID string) (noteHead, []domain.Notification, error) {
	h, err := d.head(ctx, userID)
	if err != nil {
		return h, nil, err
	}
	dr, next, err := d.drops(ctx, userID, h.Drops)
	if d.embedded && next-h.Drops >= dropsMax {
		d.absorber.add(userID)
	}
	return h, dr, err
}

// ListNotifications returns one page of a user's notifications, newest
// first, the total and the unread count (with unreadOnly the total is the
// unread count): the head and the drops, then the page's bucket or two, or
// with unreadOnly the buckets from the oldest one holding an unread
// notification. Bucket items past the head's count (pushed by an absorb
// that crashed before its head write) are still read as drops.
func (d *DB) ListNotifications(ctx context.Context, userID string, unreadOnly bool, p domain.Page) ([]domain.Notification, int, int, error) {
	h, dr, err := d.logOf(ctx, userID)
	if err != nil {
		return nil, 0, 0, err
	}
	unread := h.Unread
	for _, n := range dr {
		if !n.Read {
			unread++
		}
	}
	out := []domain.Notification{}
	skip, size := p.Skip(), p.PageSize
	if !unreadOnly {
		total := h.Count + len(dr)
		hi := total - 1 - skip
		lo := max(hi-size+1, 0)
		for pos := hi; pos >= max(lo, h.Count); pos-- {
			out = append(out, dr[pos-h.Count])
		}
		hi = min(hi, h.Count-1)
		for b := bucketOf(max(hi, 0)); hi >= lo && b >= bucketOf(lo); b-- {
			items, err := d.bucket(ctx, userID, b)
			if err != nil {
				return nil, 0, 0, err
			}
			for i := len(items) - 1; i >= 0; i-- {
				if items[i].Pos >= lo && items[i].Pos <= hi {
					out = append(out, items[i].Notification)
				}
			}
		}
		return out, total, unread, nil
	}
	seen := 0
	take := func(n domain.Notification) {
		if !n.Read && len(out) < size {
			if seen >= skip {
				out = append(out, n)
			}
			seen++
		}
	}
	for i := len(dr) - 1; i >= 0; i-- {
		take(dr[i])
	}
	for b := bucketOf(max(h.Count-1, 0)); h.Count > 0 && b >= h.UnreadFrom && len(out) < size; b-- {
		items, err := d.bucket(ctx, userID, b)
		if err != nil {
			return nil, 0, 0, err
		}
		for i := len(items) - 1; i >= 0 && len(out) < size; i-- {
			if items[i].Pos < h.Count {
				take(items[i].Notification)
			}
		}
	}
	return out, unread, unread, nil
}

// findBucket returns the bucket that holds id, by the first ids of the
// buckets.
func findBucket(h noteHead, id string) int {
	return max(sort.Search(len(h.Firsts), func(i int) bool { return h.Firsts[i] > id })-1, 0)
}

// NotificationsAfter returns a user's pushed (not digest) notifications
// with ids after id, oldest first, at most limit: the buckets from the one
// holding id on, then the drops.
func (d *DB) NotificationsAfter(ctx context.Context, userID, id string, limit int) ([]domain.Notification, error) {
	h, dr, err := d.logOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := []domain.Notification{}
	from := 0
	if id != "" {
		from = findBucket(h, id)
	}
	for b := from; h.Count > 0 && b <= bucketOf(h.Count-1) && len(out) < limit; b++ {
		items, err := d.bucket(ctx, userID, b)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Pos < h.Count && it.ID > id && !it.Digest && len(out) < limit {
				out = append(out, it.Notification)
			}
		}
	}
	for _, n := range dr {
		if n.ID > id && !n.Digest && len(out) < limit {
			out = append(out, n)
		}
	}
	return out, nil
}

// CountUnread returns a user's unread counter, with the drops.
func (d *DB) CountUnread(ctx context.Context, userID string) (int, error) {
	h, dr, err := d.logOf(ctx, userID)
	n := h.Unread
	for _, x := range dr {
		if !x.Read {
			n++
		}
	}
	return n, err
}
