// Package shred keeps personal data on the event store readable only while
// its person exists (crypto-shredding). Every personal field of an event
// (domain.MapPersonal says which, and whose) is sealed with AES-256-GCM
// under its owner's key before the event is published; readers open it
// with the same key. Deleting a person destroys their key, and with it
// every copy of their personal data on the topic, however many readers
// and backups of the topic there are.
//
// The keys live in the graph store (store.PersonKeys); this package only
// needs the small views of it declared here.
package shred
