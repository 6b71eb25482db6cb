// Package realtime runs the live roadshow rooms over gorilla/websocket.
//
// One goroutine owns each room's state (room.run); every change a client
// asks for goes through it, is stored before it is acknowledged, and is
// broadcast as one encoded frame to every receiver. Each connection has
// exactly one reader (the goroutine that upgraded it) and one writer
// (writePump) fed by a bounded queue; a client whose queue is full is
// dropped and never stalls the room. Fan-out goes through the small Broker
// interface so that several server instances can later share rooms through
// a message system. The protocol is documented in docs/REALTIME.md.
package realtime
