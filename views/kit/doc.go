// Package kit is what every screen of opsdeck is built from: the screen
// contract and its optional capabilities, the addressed requests by which a
// screen asks for work, the messages a screen sends the root, the shared
// dependencies, and the helpers several screens use (formatting, layout,
// the list screen, the feed line).
//
// Rules (the TUI's contract, see tui/doc.go for the whole pipeline):
//   - A screen renders from the newest backend.Snapshot and its own state:
//     View is a pure function of that and never does I/O.
//   - A screen never calls a backend from Update. It asks for work with a
//     Request (Ask): the root runs the request's function off the UI
//     goroutine with the console's context, and the answer comes back to
//     that screen only, wherever it is (a visible tab, a hidden one, a
//     detail under another). A screen that is closed gets nothing; its
//     requests' context is cancelled, which ends its streams.
//   - Every line a screen returns is at most its width wide, at every size.
//   - Screens see backend types and the incident desk only, never a
//     concrete source package (docker, prom, ssh).
package kit
