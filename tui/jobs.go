package tui

import (
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/views/actionrun"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// An action keeps running when its screen is left (esc); the header
// counts those running out of sight, and :jobs lists the running and the
// recent ones, enter reopening one's screen with all its output.

// maxJobs bounds the finished actions :jobs keeps (the running ones are
// always kept).
const maxJobs = 20

// addJob records an action's screen as a job.
func (m *Model) addJob(v *actionrun.ActionRun) {
	m.jobs = append(m.jobs, v)
	finished := 0
	for _, j := range m.jobs {
		if !j.Running() {
			finished++
		}
	}
	for i := 0; finished > maxJobs && i < len(m.jobs); {
		if !m.jobs[i].Running() {
			m.jobs = slices.Delete(m.jobs, i, i+1)
			finished--
			continue
		}
		i++
	}
	m.refreshJobs()
}

// background is how many actions run with their screen out of sight.
func (m *Model) background() int {
	n := 0
	for _, r := range m.running {
		if len(m.stack) == 0 || m.stack[len(m.stack)-1].screen != kit.Screen(r.view) {
			n++
		}
	}
	return n
}

// jobOpenMsg asks the root to bring a job's screen to the top.
type jobOpenMsg struct{ id string }

// openJob shows the job's screen: moved to the top when it is open under
// others, pushed again when it was closed.
func (m *Model) openJob(id string) tea.Cmd {
	i := slices.IndexFunc(m.jobs, func(v *actionrun.ActionRun) bool { return v.Action().ID == id })
	if i < 0 {
		return notify(kit.LevelWarn, "that action is no longer in :jobs")
	}
	v := m.jobs[i]
	if j := slices.IndexFunc(m.stack, func(s stacked) bool { return s.screen == kit.Screen(v) }); j >= 0 {
		s := m.stack[j]
		m.stack = append(slices.Delete(m.stack, j, j+1), s)
		return nil
	}
	return m.push(v)
}

// jobsScreen is :jobs: the actions of this console, newest first.
type jobsScreen struct{ *kit.TableView }

func (m *Model) newJobsScreen() *jobsScreen {
	t := m.theme
	cols := []table.Column{
		{Title: "STARTED", Width: 8},
		{Title: "ACTION", Width: 24, Flex: true},
		{Title: "BY", Width: 10, Drop: 2},
		{Title: "STATE", Width: 11},
		{Title: "TOOK", Width: 7, Right: true, Drop: 1},
	}
	v := kit.NewTableView(m.common, "Jobs", "JOBS  actions of this console, newest first (enter reopens)", backend.Feed(""), cols,
		func(backend.Snapshot) []table.Row {
			rows := make([]table.Row, 0, len(m.jobs))
			now := m.opts.Clock()
			for i := len(m.jobs) - 1; i >= 0; i-- {
				j := m.jobs[i]
				a := j.Action()
				state, style, took := "● running", t.Warn, now.Sub(j.Started())
				if ended, result := j.Ended(); !ended.IsZero() {
					state, took = result, ended.Sub(j.Started())
					switch result {
					case "ok":
						state, style = "✔ ok", t.OK
					default:
						state, style = "✖ "+result, t.Down
					}
				}
				rows = append(rows, table.Row{Key: a.ID, Cells: []table.Cell{
					{Text: kit.Clock(j.Started()), Num: float64(j.Started().Unix()), IsNum: true},
					{Text: string(a.Kind) + " " + kit.Sanitize(a.Target)},
					{Text: kit.Sanitize(a.Actor.String())},
					{Text: state, Style: style},
					{Text: took.Round(100 * time.Millisecond).String(), Num: took.Seconds(), IsNum: true},
				}})
			}
			return rows
		})
	v.Open = func(_ backend.Snapshot, row table.Row) tea.Cmd {
		id := row.Key
		return func() tea.Msg { return jobOpenMsg{id: id} }
	}
	v.Rebuild()
	return &jobsScreen{v}
}

// Update keeps a running job's TOOK moving with the clock.
func (j *jobsScreen) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(kit.TickMsg); ok {
		j.Rebuild()
		return nil
	}
	return j.TableView.Update(msg)
}

// refreshJobs redraws the open :jobs screens.
func (m *Model) refreshJobs() {
	for _, s := range m.stack {
		if j, ok := s.screen.(*jobsScreen); ok {
			j.Rebuild()
		}
	}
}

// jobsBadge is the header's count of actions running out of sight.
func (m *Model) jobsBadge() string {
	n := m.background()
	if n == 0 {
		return ""
	}
	return m.theme.Warn.Render(fmt.Sprintf("⚙ %d running", n))
}
