// Package serve serves the opsdeck console over SSH (`opsdeck serve`): one
// Bubble Tea program per session, each with its own window size, colour
// profile and state, all reading the one shared backend.Hub.
//
// Who may log in is an authorized-keys file whose lines map a public key to
// a user name and a role (viewer or operator); the session's backend.Actor
// carries that user, the key's SHA256 fingerprint and the role, so the
// action runner refuses a viewer in the backend and the audit log names
// who did what. Public-key authentication only.
//
// The server limits concurrent sessions, ends idle ones, and on Shutdown
// says goodbye to every session, waits for their programs and for actions
// still running (so their audit entries are written), within a deadline.
package serve
