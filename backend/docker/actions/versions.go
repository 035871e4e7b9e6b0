package actions

import (
	"context"
	"slices"
	"strings"

	"github.com/manacore/opsdeck/backend"
)

// versionOptions are the images a rollback of service can go to, for the
// confirmation to offer (param "image"), the one it goes to by default
// first: the versions opsdeck saw the service run, most recent first, then
// the other tags of its repository on the engine, newest first (the
// seed's "rollback.sh chat v1.5.2" names any of them). The images the
// service runs now are not offered. A failed image listing leaves the
// seen versions alone; no option is offered twice.
func (x *Executor) versionOptions(ctx context.Context, service string, current []string, ts []target) []backend.ParamOption {
	var out []backend.ParamOption
	offered := func(ref string) bool {
		return slices.Contains(current, ref) || slices.ContainsFunc(out, func(o backend.ParamOption) bool { return o.Value == ref })
	}
	seen := x.hist.Seen(service)
	for i := len(seen) - 1; i >= 0; i-- {
		if s := seen[i]; !offered(s.Ref) {
			out = append(out, backend.ParamOption{Param: "image", Value: s.Ref,
				Label: s.Ref + " · ran until " + s.LastSeen.UTC().Format("2006-01-02 15:04 UTC")})
		}
	}
	if len(ts) == 0 || len(current) == 0 {
		return out
	}
	repo, ok := repository(current[0])
	if !ok {
		return out
	}
	lctx, cancel := context.WithTimeout(ctx, x.opts.RequestTimeout)
	defer cancel()
	tags, err := ts[0].eng.Tags(lctx, repo)
	if err != nil {
		return out
	}
	for _, tg := range tags {
		if !offered(tg.Ref) {
			out = append(out, backend.ParamOption{Param: "image", Value: tg.Ref,
				Label: tg.Ref + " · on " + ts[0].where() + ", built " + tg.Created.Format("2006-01-02 15:04 UTC")})
		}
	}
	return out
}

// repository is the part of a tagged reference before its tag
// ("registry:5000/team/app" of "registry:5000/team/app:v2"); false for a
// reference without a tag or with a digest.
func repository(ref string) (string, bool) {
	if strings.Contains(ref, "@") {
		return "", false
	}
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return "", false
	}
	return ref[:i], true
}

// Versions are the versions (image tags) a rollback by command of service
// can go to, for its {version}: the ones opsdeck saw it run before what
// it runs now, most recent first (param "version").
func (x *Executor) Versions(service string) []backend.ParamOption {
	current := x.hist.Current(service)
	seen := x.hist.Seen(service)
	var out []backend.ParamOption
	for i := len(seen) - 1; i >= 0; i-- {
		s := seen[i]
		repo, ok := repository(s.Ref)
		if !ok || slices.Contains(current, s.Ref) {
			continue
		}
		tag := s.Ref[len(repo)+1:]
		if slices.ContainsFunc(out, func(o backend.ParamOption) bool { return o.Value == tag }) {
			continue
		}
		out = append(out, backend.ParamOption{Param: "version", Value: tag,
			Label: tag + " · " + s.Ref + ", ran until " + s.LastSeen.UTC().Format("2006-01-02 15:04 UTC")})
	}
	return out
}
