package actions

import "regexp"

// An image reference as Docker writes it: [registry[:port]/]path[:tag]
// [@sha256:digest], or an image ID (sha256:hex or a hex prefix). It is
// passed to the Engine API, never to a shell, but a name that is not a
// reference is refused before anything runs, like backend.ValidIdent
// names.
var (
	imageRefRE = regexp.MustCompile(`^(?:[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?/)?` +
		`[a-z0-9]+(?:(?:[._]|__|-+|/)[a-z0-9]+)*` +
		`(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`)
	imageIDRE = regexp.MustCompile(`^(?:sha256:[a-f0-9]{64}|[a-f0-9]{12,64})$`)
)

func validImageRef(s string) bool {
	return len(s) <= 255 && (imageIDRE.MatchString(s) || imageRefRE.MatchString(s))
}
