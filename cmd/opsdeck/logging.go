package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// logLevels are the values of --log-level, for its help and completion.
func logLevels() []string { return []string{"debug", "info", "warn", "error"} }

// parseLogLevel reads --log-level.
func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, usageError{cmd: "opsdeck", msg: fmt.Sprintf("--log-level %q: use %s", s, strings.Join(logLevels(), ", "))}
}

// urlCredentials finds the user:password part of a URL in a log value.
var urlCredentials = regexp.MustCompile(`(://)[^/@\s:]+:[^/@\s]*@`)

// logHandler writes text lines (time=… level=… msg=… key=value) at level
// to w. Values are scrubbed of URL passwords: a source's error can carry
// its URL, and the log must hold no secret whatever a library puts in one.
func logHandler(w io.Writer, level slog.Level) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindString {
			if s := a.Value.String(); strings.Contains(s, "@") {
				a.Value = slog.StringValue(urlCredentials.ReplaceAllString(s, "${1}***@"))
			}
		}
		return a
	}})
}

// serveEvent turns a line tui/serve logs (printf style) into a structured
// record: the event as the message, its parts as attributes, so the log
// can be searched by user, key fingerprint or address. An event it does
// not know is logged as its text.
func serveEvent(log *slog.Logger) func(format string, args ...any) {
	type event struct {
		msg   string
		level slog.Level
		keys  []string // names of format's arguments, in order
	}
	events := map[string]event{
		"session start: %s (%s, %s) from %s":     {"session start", slog.LevelInfo, []string{"user", "role", "fingerprint", "remote"}},
		"session end: %s (%s) after %s: %s":      {"session end", slog.LevelInfo, []string{"user", "fingerprint", "after", "how"}},
		"refused session of %s (%s) from %s: %s": {"session refused", slog.LevelWarn, []string{"user", "fingerprint", "remote", "reason"}},
		"refused key %s (login %q) from %s":      {"key refused", slog.LevelWarn, []string{"fingerprint", "login", "remote"}},
		"connection from %s failed: %v":          {"connection failed", slog.LevelWarn, []string{"remote", "err"}},
	}
	return func(format string, args ...any) {
		e, ok := events[format]
		if !ok || len(e.keys) != len(args) {
			log.Info(fmt.Sprintf(format, args...))
			return
		}
		attrs := make([]any, 0, 2*len(args))
		for i, k := range e.keys {
			attrs = append(attrs, k, fmt.Sprint(args[i]))
		}
		log.Log(context.Background(), e.level, e.msg, attrs...) // tui/serve's Logf has no context
	}
}
