package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// DocumentRead returns one document, by its string _id, as BSON, straight
// from the embedded engine's storage (ferret.Server.ReadDocument), and
// false if there is none.
type DocumentRead func(ctx context.Context, database, collection, id string) ([]byte, bool, error)

// SetDocumentRead makes the embedded engine's hot reads by _id (a user's
// notification head, log pages and drops; a roadshow's registrants) read
// through read: through FerretDB, parsing the command, a fresh SQLite
// statement, FerretDB's decoding of the stored JSON value by value and
// the BSON back through the driver were nearly all of such a read
// (docs/bench/notes.md). The document is decoded as the driver's answer
// would be, so both roads give the same values. Without it, or on MongoDB,
// they are read through the driver. The platform and the tests' databases
// set it when they started the FerretDB.
func (d *DB) SetDocumentRead(read DocumentRead) {
	if d.embedded {
		d.readDoc = read
	}
}

// findByID decodes the document of col with _id id into v and reports
// whether there was one: straight from the embedded engine's storage when
// the platform gave the way (SetDocumentRead), else through the driver.
// Like the driver's Decode it sets only the fields the document has.
func (d *DB) findByID(ctx context.Context, op, col, id string, v any) (bool, error) {
	if d.readDoc != nil {
		raw, ok, err := d.readDoc(ctx, d.db.Name(), col, id)
		if err != nil || !ok {
			return false, mapErr(op, err)
		}
		if h, ok := v.(*noteHead); ok && decodeHead(string(raw), h) {
			return true, nil
		}
		return true, mapErr(op+" decode", bson.Unmarshal(raw, v))
	}
	err := mapErr(op, d.db.Collection(col).FindOne(ctx, byID(id)).Decode(v))
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}

// DocumentsRead returns the documents with the string _ids ids, as BSON,
// straight from the embedded engine's storage in one read
// (ferret.Server.ReadDocuments), in the order of ids, nil where there is
// none.
type DocumentsRead func(ctx context.Context, database, collection string, ids []string) ([][]byte, error)

// SetDocumentsRead makes the embedded engine's reads of several documents
// by _id at once (a user's fan-out drops) one read through read, where
// each read through ReadDocument is a statement of its own. Without it,
// or on MongoDB, each is read on its own (findByID).
func (d *DB) SetDocumentsRead(read DocumentsRead) {
	if d.embedded {
		d.readDocs = read
	}
}
