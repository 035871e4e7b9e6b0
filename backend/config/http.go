package config

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	promconfig "github.com/prometheus/common/config"
)

// The raw HTTP client settings of sources.prometheus and
// sources.alertmanager, written inline beside url with the key names and
// meaning of Prometheus' own (remote_write, scrape configs): the subset
// opsdeck documents, decoded here so that every problem has its position,
// then handed to prometheus/common/config, which builds the client.
type rawHTTP struct {
	BasicAuth       *rawBasicAuth        `yaml:"basic_auth"`
	Authorization   *rawAuthorization    `yaml:"authorization"`
	OAuth2          *rawOAuth2           `yaml:"oauth2"`
	TLSConfig       *rawTLS              `yaml:"tls_config"`
	ProxyURL        string               `yaml:"proxy_url"`
	HTTPHeaders     map[string]rawHeader `yaml:"http_headers"`
	FollowRedirects *bool                `yaml:"follow_redirects"`
}

// rawSecret is a value no message may quote: a password, a token.
type rawSecret string

type rawBasicAuth struct {
	Username     string    `yaml:"username"`
	Password     rawSecret `yaml:"password"`
	PasswordFile string    `yaml:"password_file"`
}

type rawAuthorization struct {
	Type            string    `yaml:"type"`
	Credentials     rawSecret `yaml:"credentials"`
	CredentialsFile string    `yaml:"credentials_file"`
}

type rawOAuth2 struct {
	ClientID         string            `yaml:"client_id"`
	ClientSecret     rawSecret         `yaml:"client_secret"`
	ClientSecretFile string            `yaml:"client_secret_file"`
	TokenURL         string            `yaml:"token_url"`
	Scopes           []string          `yaml:"scopes"`
	EndpointParams   map[string]string `yaml:"endpoint_params"`
}

type rawTLS struct {
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"`
	KeyFile            string `yaml:"key_file"`
	ServerName         string `yaml:"server_name"`
	InsecureSkipVerify *bool  `yaml:"insecure_skip_verify"`
}

// rawHeader is one header of http_headers, as in Prometheus: values sent
// as written, secrets never shown, files read at every request.
type rawHeader struct {
	Values  []string    `yaml:"values"`
	Secrets []rawSecret `yaml:"secrets"`
	Files   []string    `yaml:"files"`
}

// headerNameRE is an HTTP header name (RFC 9110 token).
var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// httpClient checks r, the settings of the source at sp, and turns them
// into Prometheus' client config. Relative *_file paths are taken from the
// config file's directory, as Prometheus does. No file is read here: the
// loader does no I/O, and a secret file is read by the client at every
// request anyway (so a rotated password is picked up without a restart).
func (b *builder) httpClient(r rawHTTP, sp []any) HTTP {
	c := promconfig.DefaultHTTPClientConfig // follow_redirects and HTTP/2 on, as in Prometheus
	h := HTTP{TLSPos: b.at(sp...)}
	auths := 0
	if a := r.BasicAuth; a != nil {
		auths++
		ap := path(sp, "basic_auth")
		if strings.TrimSpace(a.Username) == "" {
			b.fail(b.at(path(ap, "username")...), "basic_auth.username is required")
		}
		b.oneSecret(a.Password, a.PasswordFile, "password", ap)
		c.BasicAuth = &promconfig.BasicAuth{Username: a.Username, Password: promconfig.Secret(a.Password),
			PasswordFile: b.filePath(a.PasswordFile, path(ap, "password_file"))}
	}
	if a := r.Authorization; a != nil {
		auths++
		ap := path(sp, "authorization")
		typ := strings.TrimSpace(a.Type)
		switch {
		case typ == "":
			typ = "Bearer"
		case strings.EqualFold(typ, "basic"):
			b.fail(b.at(path(ap, "type")...), "authorization.type Basic: write basic_auth with username and password instead")
		case !headerNameRE.MatchString(typ):
			b.fail(b.at(path(ap, "type")...), "authorization.type %q must be one word, e.g. Bearer", typ)
		}
		b.oneSecret(a.Credentials, a.CredentialsFile, "credentials", ap)
		c.Authorization = &promconfig.Authorization{Type: typ, Credentials: promconfig.Secret(a.Credentials),
			CredentialsFile: b.filePath(a.CredentialsFile, path(ap, "credentials_file"))}
	}
	if o := r.OAuth2; o != nil {
		auths++
		c.OAuth2 = b.oauth2(o, path(sp, "oauth2"))
	}
	if auths > 1 {
		b.fail(b.at(sp...), "give one of basic_auth, authorization and oauth2, not %d: a request carries one Authorization header", auths)
	}
	if t := r.TLSConfig; t != nil {
		tp := path(sp, "tls_config")
		h.TLSPos = b.keyAt(tp...)
		c.TLSConfig = promconfig.TLSConfig{CAFile: b.filePath(t.CAFile, path(tp, "ca_file")), CertFile: b.filePath(t.CertFile, path(tp, "cert_file")),
			KeyFile: b.filePath(t.KeyFile, path(tp, "key_file")), ServerName: strings.TrimSpace(t.ServerName)}
		if t.InsecureSkipVerify != nil {
			c.TLSConfig.InsecureSkipVerify = *t.InsecureSkipVerify
		}
		switch {
		case t.CertFile != "" && t.KeyFile == "":
			b.fail(b.at(path(tp, "cert_file")...), "tls_config.cert_file needs key_file, the client certificate's key")
		case t.KeyFile != "" && t.CertFile == "":
			b.fail(b.at(path(tp, "key_file")...), "tls_config.key_file needs cert_file, the client certificate")
		}
		if c.TLSConfig.ServerName != "" && !hostRE.MatchString(c.TLSConfig.ServerName) {
			b.fail(b.at(path(tp, "server_name")...), "tls_config.server_name %q is not a host name", c.TLSConfig.ServerName)
		}
	}
	if p := strings.TrimSpace(r.ProxyURL); p != "" {
		u, err := url.Parse(p)
		switch {
		case err != nil || u.Host == "":
			b.fail(b.at(path(sp, "proxy_url")...), "proxy_url is not a URL such as http://proxy.internal:3128")
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
			b.fail(b.at(path(sp, "proxy_url")...), "proxy_url %q: scheme must be http, https or socks5", u.Redacted())
		default:
			c.ProxyURL = promconfig.URL{URL: u}
		}
	}
	if len(r.HTTPHeaders) > 0 {
		c.HTTPHeaders = b.headers(r.HTTPHeaders, path(sp, "http_headers"))
	}
	if r.FollowRedirects != nil {
		c.FollowRedirects = *r.FollowRedirects
	}
	h.config, h.set = c, true
	return h
}

// oneSecret requires exactly one of a secret and its file in the block
// (basic_auth, …) at where.
func (b *builder) oneSecret(inline rawSecret, file, key string, where []any) {
	block, _ := where[len(where)-1].(string)
	if b.throughHidden(path(where, key)) || b.throughHidden(path(where, key+"_file")) {
		return // a value of the wrong kind, reported already
	}
	switch {
	case inline != "" && file != "":
		b.fail(b.at(path(where, key+"_file")...), "%s: give %s or %s_file, not both", block, key, key)
	case inline == "" && file == "":
		b.fail(b.at(where...), "%s needs %s or %s_file (a file holding it, read at every request)", block, key, key)
	}
}

// filePath is a *_file path made absolute against the config file's
// directory; a leading ~ is refused, since nothing expands it there.
func (b *builder) filePath(p string, where []any) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	if strings.HasPrefix(p, "~") {
		b.fail(b.at(where...), "%s: %q: ~ is not expanded here; write the full path (a relative one is taken from the config file's directory)", lastKey(where), p)
		return p
	}
	if b.file == "" || b.file == DefaultFile {
		return p
	}
	return promconfig.JoinDir(filepath.Dir(b.file), p)
}

func (b *builder) oauth2(o *rawOAuth2, op []any) *promconfig.OAuth2 {
	if strings.TrimSpace(o.ClientID) == "" {
		b.fail(b.at(path(op, "client_id")...), "oauth2.client_id is required")
	}
	if strings.TrimSpace(o.TokenURL) == "" {
		b.fail(b.at(path(op, "token_url")...), "oauth2.token_url is required, e.g. https://auth.example.com/oauth2/token")
	} else {
		b.url(o.TokenURL, "token_url", path(op, "token_url"))
	}
	b.oneSecret(o.ClientSecret, o.ClientSecretFile, "client_secret", op)
	for i, s := range o.Scopes {
		if strings.TrimSpace(s) == "" {
			b.fail(b.at(path(op, "scopes", i)...), "oauth2 scope is empty")
		}
	}
	return &promconfig.OAuth2{ClientID: o.ClientID, ClientSecret: promconfig.Secret(o.ClientSecret),
		ClientSecretFile: b.filePath(o.ClientSecretFile, path(op, "client_secret_file")), TokenURL: strings.TrimSpace(o.TokenURL),
		Scopes: o.Scopes, EndpointParams: o.EndpointParams}
}

// headers checks http_headers: names Prometheus allows (not the ones it
// or the HTTP client sets itself), each with a value to send.
func (b *builder) headers(hs map[string]rawHeader, hp []any) *promconfig.Headers {
	out := &promconfig.Headers{Headers: map[string]promconfig.Header{}}
	for name, h := range hs {
		where := path(hp, name)
		canon := http.CanonicalHeaderKey(name)
		if _, reserved := promconfig.ReservedHeaders[canon]; reserved {
			hint := ""
			if canon == "Authorization" {
				hint = "; use authorization or basic_auth"
			}
			b.fail(b.keyAt(where...), "header %s is set by opsdeck itself and cannot be given here%s", canon, hint)
			continue
		}
		if !headerNameRE.MatchString(name) {
			b.fail(b.keyAt(where...), "header name %q is not allowed: letters, digits and - only, e.g. X-Scope-OrgID", name)
			continue
		}
		hidden := b.throughHidden(path(where, "values")) || b.throughHidden(path(where, "secrets")) || b.throughHidden(path(where, "files"))
		if len(h.Values)+len(h.Secrets)+len(h.Files) == 0 && !hidden {
			b.fail(b.at(where...), "header %s has no value: give values, secrets or files, e.g. {values: [tenant-1]}", name)
		}
		ph := promconfig.Header{Values: h.Values}
		for _, s := range h.Secrets {
			ph.Secrets = append(ph.Secrets, promconfig.Secret(s))
		}
		for i, f := range h.Files {
			ph.Files = append(ph.Files, b.filePath(f, path(where, "files", i)))
		}
		out.Headers[name] = ph
	}
	return out
}

// lastKey is the last key of where, "files[0]" for a list element.
func lastKey(where []any) string {
	switch k := where[len(where)-1].(type) {
	case int:
		return fmt.Sprintf("%v[%d]", where[len(where)-2], k)
	default:
		return fmt.Sprint(k)
	}
}
