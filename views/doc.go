// Package views holds one Bubble Tea model per screen of opsdeck.
//
// Rules (the TUI's contract, see tui/doc.go for the whole pipeline):
//   - A view renders from the newest backend.Snapshot and its own size: View
//     is a pure function of that state and never does I/O.
//   - A view never calls a backend. It emits intents as messages (PushMsg to
//     open a detail, ActionMsg to ask for an action) and the root routes them.
//   - Every line a view returns is at most its width wide, at every size.
//   - Views see backend types only, never a concrete backend package.
package views
