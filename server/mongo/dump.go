package mongo

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// Dumps are mongodump's layout: one file per collection holding its
// documents as raw BSON, one after another, so that `mongorestore` reads
// what Dump writes and Load reads what mongodump writes.

// maxDocument is the largest BSON document a server accepts.
const maxDocument = 16 << 20

// Dump writes every document of database name at uri, collection by
// collection, as raw BSON into the writer open returns for it, and returns
// how many documents each collection held.
func Dump(ctx context.Context, uri, name string, open func(collection string) (io.WriteCloser, error)) (map[string]int64, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	db := client.Database(name)
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("mongo: list collections: %w", err)
	}
	sort.Strings(names)
	counts := map[string]int64{}
	for _, c := range names {
		n, err := dumpCollection(ctx, db.Collection(c), open)
		if err != nil {
			return nil, fmt.Errorf("mongo: dump %s: %w", c, err)
		}
		counts[c] = n
	}
	return counts, nil
}

func dumpCollection(ctx context.Context, col *mongo.Collection, open func(string) (io.WriteCloser, error)) (int64, error) {
	w, err := open(col.Name())
	if err != nil {
		return 0, err
	}
	cur, err := col.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		w.Close()
		return 0, err
	}
	defer cur.Close(ctx)
	bw := bufio.NewWriter(w)
	var n int64
	for cur.Next(ctx) {
		if _, err := bw.Write(cur.Current); err != nil {
			w.Close()
			return n, err
		}
		n++
	}
	if err := cur.Err(); err != nil {
		w.Close()
		return n, err
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return n, err
	}
	return n, w.Close()
}

// Load inserts the raw BSON documents of r into collection of database
// name at uri, in batches, with the same write concern as Open, and
// returns how many it inserted.
func Load(ctx context.Context, uri, name, collection string, r io.Reader) (int64, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second).
		SetWriteConcern(writeconcern.Majority()))
	if err != nil {
		return 0, fmt.Errorf("mongo: connect: %w", err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	col := client.Database(name).Collection(collection)
	br := bufio.NewReader(r)
	var (
		batch []any
		size  int
		n     int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if _, err := col.InsertMany(ctx, batch); err != nil {
			return fmt.Errorf("mongo: load %s: %w", collection, err)
		}
		n += int64(len(batch))
		batch, size = batch[:0], 0
		return nil
	}
	for {
		doc, err := readDocument(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("mongo: load %s: document %d: %w", collection, n+int64(len(batch))+1, err)
		}
		batch, size = append(batch, doc), size+len(doc)
		if len(batch) >= 1000 || size >= 8<<20 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

// readDocument reads one raw BSON document; io.EOF means a clean end.
func readDocument(r io.Reader) (bson.Raw, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated")
		}
		return nil, err
	}
	l := int(binary.LittleEndian.Uint32(head[:]))
	if l < 5 || l > maxDocument {
		return nil, fmt.Errorf("bad document length %d", l)
	}
	doc := make([]byte, l)
	copy(doc, head[:])
	if _, err := io.ReadFull(r, doc[4:]); err != nil {
		return nil, errors.New("truncated")
	}
	raw := bson.Raw(doc)
	if err := raw.Validate(); err != nil {
		return nil, err
	}
	return raw, nil
}
