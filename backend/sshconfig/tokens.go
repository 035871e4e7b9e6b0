package sshconfig

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// tokens are the % tokens ssh_config(5) defines for file names that
// opsdeck can fill in; any other is an error rather than a wrong path.
func (r *Resolver) tokens(alias, hostname, user, port string) map[byte]string {
	if user == "" {
		user = r.LocalUser
	}
	return map[byte]string{
		'd': r.Home, 'h': hostname, 'n': alias, 'p': port, 'r': user,
		'u': r.LocalUser, 'i': strconv.Itoa(os.Getuid()),
	}
}

// path expands ~ and the tokens of a file name.
func (r *Resolver) path(v string, tokens map[byte]string) (string, error) {
	if v == "~" || strings.HasPrefix(v, "~/") {
		if r.Home == "" {
			return "", fmt.Errorf("~ needs $HOME")
		}
		v = r.Home + v[1:]
	}
	return expand(v, tokens)
}

// expand replaces %X tokens from tokens and %% with %.
func expand(v string, tokens map[byte]string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+1 == len(v) {
			return "", fmt.Errorf("ends in a lone %%")
		}
		i++
		if v[i] == '%' {
			b.WriteByte('%')
			continue
		}
		t, ok := tokens[v[i]]
		if !ok {
			return "", fmt.Errorf("token %%%c is not supported by opsdeck", v[i])
		}
		b.WriteString(t)
	}
	return b.String(), nil
}
