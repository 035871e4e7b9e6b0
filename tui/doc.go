// Package tui is opsdeck's root Bubble Tea model: the shell around the
// screens (header with environment, source dots, an open incident and the
// clock; tabs; status bar), the command palette, the help overlay, the
// confirm dialog, notices and running actions. It routes messages; it
// does not render fleet data itself and never names a concrete screen
// type: screens are registered once (registry.go) and the root asks them
// only for the optional capabilities of views/kit.
//
// The rendering pipeline and its rules:
//
//  1. Data arrives only as messages. The poller (backend.Hub) pushes
//     snapshots on a latest-wins channel, the incident desk its boards;
//     waitSnapshot and waitBoard turn the next one into a message and are
//     re-armed after each. No Update or View does I/O or blocks, and no
//     goroutine is started from Update: anything that touches the world
//     is a tea.Cmd.
//  2. Replies are addressed. A screen asks for work with a kit.Request
//     carrying its ID and a function; the root runs the function in a
//     command with the screen's context (the console's for a tab, the
//     detail's own on the stack, cancelled when it closes) and delivers
//     the answer to that screen wherever it is: on top, covered by a
//     detail, a hidden tab. A screen pushed with kit.PushMsg is on the
//     stack before its Init asks for anything. An answer whose screen is
//     gone is dropped and counted (Model.Dropped), never given to another.
//     Serial requests (incident changes) run one at a time in order, and
//     quitting waits for them.
//  3. Update changes state; a Cmd never changes model state, it only
//     returns a message (what a Cmd needs, it captures before it runs).
//  4. Sizes fan out from WindowSizeMsg (sent twice at start by teatest and
//     wish; handled idempotently). The body gets width × (height − 3): one
//     header line, one tab line, one status line. Every rendered line is
//     at most the terminal width, at every size from 0x0 up; below the
//     minimum the whole screen is a "terminal too small" notice.
//  5. Keys: while a screen is capturing text (a filter being typed) or the
//     palette, dialog or export prompt is open, every key goes there.
//     Otherwise a key the active screen owns (kit.KeyOwner) goes to it,
//     then global keys (quit, help, palette, tab switches, back) win, then
//     the active screen.
//  6. Actions are data: a screen emits kit.ActionMsg; the root refuses it
//     for a viewer or in read-only mode and otherwise plans, confirms and
//     runs it through backend.ActionRunner, whose runner audits it and
//     stamps the incident timeline itself. When it ends, every screen hears
//     kit.ActionEndedMsg.
//  7. Colour is decoration: every status also has a word, and goldens are
//     compared with ANSI stripped.
//  8. The clock ticks once a second; nothing else animates, so an idle
//     console sends nothing but the changed clock cells.
package tui
