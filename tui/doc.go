// Package tui is opsdeck's root Bubble Tea model: the shell around the
// views (header with environment, source dots and clock; view tabs; status
// bar), the command palette, the help overlay and notices. It routes
// messages; it does not render fleet data itself.
//
// The rendering pipeline and its rules:
//
//  1. Data arrives only as messages. The poller (backend.Hub) pushes
//     snapshots on a latest-wins channel; waitSnapshot turns the next one
//     into a SnapshotMsg and is re-armed after each. No Update or View
//     does I/O or blocks: anything that touches the world is a tea.Cmd.
//  2. Update changes state; a Cmd never changes model state, it only
//     returns a message.
//  3. Sizes fan out from WindowSizeMsg (sent twice at start by teatest and
//     wish; handled idempotently). The body gets width × (height − 3): one
//     header line, one tab line, one status line. Every rendered line is
//     at most the terminal width, at every size from 0x0 up; below the
//     minimum the whole screen is a "terminal too small" notice.
//  4. Keys: while a view is capturing text (a filter being typed) or the
//     palette is open, every key goes there. Otherwise global keys (quit,
//     help, palette, view switches, back) win, then the active view.
//  5. Actions are data: a view emits views.ActionMsg; the root refuses it
//     in read-only mode and otherwise hands it on.
//  6. Colour is decoration: every status also has a word, and goldens are
//     compared with ANSI stripped.
//  7. The clock ticks once a second; nothing else animates, so an idle
//     console sends nothing but the changed clock cells.
package tui
