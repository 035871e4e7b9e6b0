package deploys

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/deploy"
	"github.com/manacore/opsdeck/views/kit"
	"github.com/manacore/opsdeck/views/table"
)

// key turns T/P/B/D on a row into a deployment action: kind command, the
// configured command as target, and the parameters its placeholders and
// the history read (project, service, colour, weight, version, step).
// Refusals the model can tell (no second colour, a promote before the
// monitor period, health check or migration are through, the rollback
// window) are shown under the table instead of asking anything.
func (v *Deploys) key(_ backend.Snapshot, row table.Row, kp tea.KeyPressMsg) tea.Cmd {
	k := v.C.Keys
	project, colour, _ := strings.Cut(row.Key, "/")
	spec, ok := v.spec(project)
	if !ok {
		return nil
	}
	st := v.status[project]
	var step, cmd, weight string
	switch {
	case key.Matches(kp, k.ShiftTraffic):
		step, cmd = deploy.StepShift, spec.Commands.Shift // the weight is asked in the confirmation
	case key.Matches(kp, k.Promote):
		step, cmd, weight = deploy.StepPromote, spec.Commands.Promote, "100"
	case key.Matches(kp, k.Migrate):
		if st.Candidate == "" {
			v.note = "migrate refused: " + project + " has no new colour running"
			return nil
		}
		step, cmd, colour = deploy.StepMigrate, spec.Commands.Migrate, st.Candidate
	case key.Matches(kp, k.SwitchBack):
		if st.Candidate == "" {
			v.note = "roll back refused: " + project + " has no second colour running"
			return nil
		}
		step, cmd, weight, colour = deploy.StepRollback, spec.Commands.Rollback, "100", st.Stable
	case key.Matches(kp, k.Decommission):
		if err := st.CanDecommission(v.C.Now()); err != nil {
			v.note = err.Error()
			return nil
		}
		step, cmd, colour = deploy.StepDecommission, spec.Commands.Decommission, st.Stable
	default:
		return nil
	}
	if cmd == "" {
		v.note = fmt.Sprintf("%s %s: not configured (deployments[].commands.%s)", step, project, step)
		return nil
	}
	if step == deploy.StepPromote {
		// What the verdict says: only a canary whose gates held for the
		// monitor period, whose health URLs answer and that was migrated.
		if err := st.CanPromote(colour); err != nil {
			v.note = err.Error()
			return nil
		}
	}
	params := deploy.Params(spec, step, colour, weight, st.Env(colour).Version())
	return kit.Act(backend.ActKindCommand, cmd, params)
}

func (v *Deploys) spec(project string) (deploy.Spec, bool) {
	for _, s := range v.C.Deployments {
		if s.Project == project {
			return s, true
		}
	}
	return deploy.Spec{}, false
}

// newDeployHistory is the history detail of one project (enter).
func newDeployHistory(c kit.Common, project string, events []deploy.Event) *kit.TableView {
	cols := []table.Column{
		{Title: "WHEN", Width: 16},
		{Title: "STEP", Width: 12},
		{Title: "COLOUR", Width: 6},
		{Title: "VERSION", Width: 9},
		{Title: "WEIGHT", Width: 6, Right: true},
		{Title: "BY", Width: 10, Flex: true, Drop: 1},
		{Title: "RESULT", Width: 9},
	}
	rows := make([]table.Row, 0, len(events))
	for i, e := range events {
		style := c.Theme.Text
		switch e.Result {
		case "ok", "up":
		case "running":
			style = c.Theme.Warn
		default:
			style = c.Theme.Down
		}
		weight := kit.Dash
		if e.Weight != "" {
			weight = e.Weight + "%"
		}
		rows = append(rows, table.Row{Key: fmt.Sprint(i), Cells: []table.Cell{
			{Text: kit.Stamp(e.At), Num: float64(e.At.Unix()), IsNum: true},
			{Text: e.Step}, {Text: e.Colour}, {Text: kit.OrDash(e.Version)}, {Text: weight},
			{Text: kit.OrDash(e.User)}, {Text: e.Result, Style: style},
		}})
	}
	v := kit.NewTableView(c, "History", "DEPLOYMENT HISTORY · "+strings.ToUpper(project), backend.FeedInventory, cols,
		func(backend.Snapshot) []table.Row { return rows })
	return v
}
