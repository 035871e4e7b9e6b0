package actions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/manacore/opsdeck/backend"
	"github.com/manacore/opsdeck/backend/docker"
)

// backupSuffix names the old container while its replacement starts.
// Fixed, not random, so a leftover from an interrupted run is found by the
// next plan instead of piling up.
const backupSuffix = "-opsdeck-rollback-old"

// restoreTimeout bounds putting the old containers back after a failure
// or cancel; it runs on a context of its own, as the action's may be done.
const restoreTimeout = time.Minute

// planRollback chooses the image (Params["image"], else the service's
// previous version) and checks it is on every engine involved.
func (x *Executor) planRollback(ctx context.Context, a backend.Action) (plan, error) {
	names, err := serviceNames(a, "image")
	if err != nil {
		return plan{}, err
	}
	ref, explicit := a.Params["image"]
	if explicit && !validImageRef(ref) {
		return plan{}, fmt.Errorf("rollback %s: image %q is not an image reference", a.Target, ref)
	}
	ts, notes, err := x.resolve(ctx, a, names)
	if err != nil {
		return plan{}, err
	}
	var current []string
	for _, t := range ts {
		if !slices.Contains(current, t.c.ImageRef) {
			current = append(current, t.c.ImageRef)
		}
	}
	options := x.versionOptions(ctx, a.Target, current, ts)
	var seen ImageSeen
	if !explicit {
		var ok bool
		switch seen, ok = x.hist.Previous(a.Target, current); {
		case ok:
			ref = seen.Ref
		case len(options) > 0:
			ref = options[0].Value // never seen running: the newest tag on the engine
		default:
			return plan{}, fmt.Errorf("rollback %s: no previous version seen for %s and no other tag of it on the engine (it runs %s; seen: %s)",
				a.Target, a.Target, strings.Join(current, ", "), seenList(x.hist.Seen(a.Target)))
		}
	}
	p := plan{notes: notes, destructive: true, confirm: a.Target, waits: true, image: ref, options: options}
	ids := map[string]string{} // engine → image ID
	for _, t := range ts {
		id, ok := ids[t.where()]
		if !ok {
			rctx, cancel := context.WithTimeout(ctx, x.opts.RequestTimeout)
			id, err = t.eng.ImageID(rctx, ref)
			cancel()
			if errors.Is(err, docker.ErrNotFound) {
				return plan{}, fmt.Errorf("rollback %s: image %s is not on %s (opsdeck does not pull images)", a.Target, ref, t.where())
			}
			if err != nil {
				return plan{}, fmt.Errorf("rollback %s: %w", a.Target, err)
			}
			if seen.ImageID != "" && seen.ImageID != id {
				return plan{}, fmt.Errorf("rollback %s: %s on %s is image %s now, not the %s seen running before; give image=<id> to choose",
					a.Target, ref, t.where(), shortID(id), shortID(seen.ImageID))
			}
			ids[t.where()] = id
		}
		if t.c.ImageID == id {
			p.notes = append(p.notes, fmt.Sprintf("%s%s: %s runs %s already, left alone", notePrefix, t.where(), t.label(), ref))
			continue
		}
		bctx, cancel := context.WithTimeout(ctx, x.opts.RequestTimeout)
		_, err := t.eng.Info(bctx, t.c.Name+backupSuffix)
		cancel()
		if err == nil {
			return plan{}, fmt.Errorf("rollback %s: %s has a leftover container %s from an interrupted rollback; check it and remove it first",
				a.Target, t.where(), t.c.Name+backupSuffix)
		}
		if !errors.Is(err, docker.ErrNotFound) {
			return plan{}, fmt.Errorf("rollback %s: %w", a.Target, err)
		}
		p.targets = append(p.targets, t)
		p.steps = append(p.steps, fmt.Sprintf("%s: re-create %s from %s (%s) instead of %s: stop it, rename it to %s, create and start the new one with its name, labels, env, command, host config and networks, %s",
			t.where(), t.label(), ref, shortID(id), t.c.ImageRef, t.c.Name+backupSuffix, x.waitText(t)))
	}
	if len(p.targets) == 0 {
		return plan{}, fmt.Errorf("rollback %s: every container runs %s already", a.Target, ref)
	}
	p.steps = append(p.steps, "one container at a time; the old ones are removed once all new ones are healthy; on a failure or cancel the new ones are removed and the old ones put back and started")
	// Record which bytes the versions were, for the next plan's check.
	if !explicit {
		_ = x.hist.SetImageID(a.Target, ref, ids[ts[0].where()])
	}
	for _, t := range ts {
		_ = x.hist.SetImageID(a.Target, t.c.ImageRef, t.c.ImageID)
	}
	return p, nil
}

func seenList(seen []ImageSeen) string {
	if len(seen) == 0 {
		return "none"
	}
	refs := make([]string, len(seen))
	for i, s := range seen {
		refs[i] = s.Ref
	}
	return strings.Join(refs, ", ")
}

// swap is one container being replaced.
type swap struct {
	t       target
	renamed bool   // the old one carries the backup name
	newID   string // the replacement, once created
}

// rollback replaces the containers one at a time. The old ones are kept,
// stopped and renamed, until every replacement is healthy, so a failure
// at any point (or ctrl+c) can put the service back exactly as it was.
func (x *Executor) rollback(ctx context.Context, p plan, say sayFunc) error {
	var done []*swap
	for _, t := range p.targets {
		s := &swap{t: t}
		done = append(done, s)
		if err := x.replace(ctx, s, p.image, say); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("cancelled: %w", err)
			}
			return x.undo(ctx, done, err, say)
		}
	}
	var left []string
	for _, s := range done {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), x.opts.RequestTimeout)
		if err := s.t.eng.Remove(rctx, s.t.c.ID); err != nil {
			left = append(left, fmt.Sprintf("%s on %s (%v)", s.t.c.Name+backupSuffix, s.t.where(), err))
		} else {
			say("%s: removed the old %s", s.t.where(), s.t.label())
		}
		cancel()
	}
	if len(left) > 0 {
		return fmt.Errorf("rollback to %s done, but old containers could not be removed: %s; remove them before the next rollback",
			p.image, strings.Join(left, ", "))
	}
	return nil
}

// replace stops, renames, creates, starts and waits for one container.
func (x *Executor) replace(ctx context.Context, s *swap, image string, say sayFunc) error {
	t := s.t
	say("%s: stopping %s", t.where(), t.label())
	if err := t.eng.Stop(ctx, t.c.ID, x.opts.StopTimeout); err != nil {
		return fmt.Errorf("%s: %w", t.where(), err)
	}
	if err := t.eng.Rename(ctx, t.c.ID, t.c.Name+backupSuffix); err != nil {
		return fmt.Errorf("%s: %w", t.where(), err)
	}
	s.renamed = true
	id, err := t.eng.CreateLike(ctx, t.c.ID, image, t.c.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", t.where(), err)
	}
	s.newID = id
	say("%s: created %s (%s) from %s, starting it", t.where(), t.c.Name, shortID(id), image)
	began := time.Now()
	if err := t.eng.Start(ctx, id); err != nil {
		return fmt.Errorf("%s: %w", t.where(), err)
	}
	nt := t
	nt.c.ID = id
	return x.waitReady(ctx, nt, time.Time{}, began, say)
}

// undo puts every touched container back, newest first, and returns cause
// with what was restored (or could not be).
func (x *Executor) undo(ctx context.Context, done []*swap, cause error, say sayFunc) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restoreTimeout)
	defer cancel()
	var restored, broken []string
	for i := len(done) - 1; i >= 0; i-- {
		s := done[i]
		t := s.t
		var errs []error
		if s.newID != "" {
			if err := t.eng.Remove(rctx, s.newID); err != nil {
				errs = append(errs, err)
			}
		}
		if s.renamed && len(errs) == 0 {
			if err := t.eng.Rename(rctx, t.c.ID, t.c.Name); err != nil {
				errs = append(errs, err)
			}
		}
		if t.c.Running && len(errs) == 0 {
			if err := t.eng.Start(rctx, t.c.ID); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			broken = append(broken, fmt.Sprintf("%s on %s: %v", t.c.Name, t.where(), errors.Join(errs...)))
			continue
		}
		say("%s: restored %s (%s) on %s", t.where(), t.c.Name, shortID(t.c.ID), t.c.ImageRef)
		restored = append(restored, t.c.Name+" on "+t.where())
	}
	var what string
	if len(restored) > 0 {
		what += "; restored the old container(s): " + strings.Join(restored, ", ")
	}
	if len(broken) > 0 {
		what += "; COULD NOT RESTORE: " + strings.Join(broken, "; ")
	}
	return fmt.Errorf("rollback failed: %w%s", cause, what)
}
