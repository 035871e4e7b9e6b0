package config

import (
	"reflect"
	"testing"
	"time"
)

func TestActionsSection(t *testing.T) {
	c, err := Parse("ok.yaml", []byte(`environment: staging
projects:
  - name: chat
    services:
      - {component: backend, rollback_command: rollback-chat}
      - {component: web}
databases:
  - name: chat
    host: db-1
    services: [chat-backend, chat-web]
    backups:
      dir: /var/backups/chat
      bin_dir: /usr/lib/postgresql/15/bin
      conn: [-h, 127.0.0.1, -p, "15432"]
      timeout: 10m
      integrity:
        - {name: users, sql: "select count(*) > 0 from users", expect: t}
    psql: {bin_dir: /usr/lib/postgresql/15/bin, host: 127.0.0.1, port: 15432, user: opsdeck_ro, dbname: chat_prod, passfile: /home/ops/.pgpass, timeout: 2s}
  - name: picture
    host: db-1
    psql: {}
sources:
  simulator: {}
  ssh:
    known_hosts: /k
    hosts: [{name: db-1, addr: "127.0.0.1:22"}, {name: app-1, addr: "127.0.0.1:2222"}]
actions:
  audit_log: /var/log/opsdeck/audit.jsonl
  state_dir: /var/lib/opsdeck
  health_timeout: 90s
  commands:
    - {name: rollback-chat, host: app-1, argv: [./scripts/rollback.sh, "{project}", "{version}"], destructive: true}
    - {name: switch, host: app-1, argv: [coolify, switch-deployment, "{project}", "{colour}"], timeout: 1m, destructive: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Actions
	if a.AuditLog != "/var/log/opsdeck/audit.jsonl" || a.StateDir != "/var/lib/opsdeck" || a.HealthTimeout != 90*time.Second {
		t.Fatalf("actions %+v", a)
	}
	rb, ok := a.Command("rollback-chat")
	if !ok || rb.Timeout != DefaultCommandTimout || !rb.Destructive || rb.Host != "app-1" || len(rb.Argv) != 3 {
		t.Fatalf("rollback command %+v", rb)
	}
	if sw, _ := a.Command("switch"); sw.Destructive || sw.Timeout != time.Minute {
		t.Fatalf("switch command %+v", sw)
	}
	if c.Projects[0].Services[0].RollbackCommand != "rollback-chat" {
		t.Fatal("rollback_command lost")
	}
	d := c.Databases[0]
	want := &Backups{Dir: "/var/backups/chat", Pattern: "*.dump", BinDir: "/usr/lib/postgresql/15/bin",
		Conn: []string{"-h", "127.0.0.1", "-p", "15432"}, Timeout: 10 * time.Minute,
		Integrity: []IntegrityCheck{{Name: "users", SQL: "select count(*) > 0 from users", Expect: "t"}}}
	if !reflect.DeepEqual(d.Backups, want) || !reflect.DeepEqual(d.Services, []string{"chat-backend", "chat-web"}) {
		t.Fatalf("database %+v %+v", d, d.Backups)
	}
	wantPsql := &Psql{BinDir: "/usr/lib/postgresql/15/bin", Host: "127.0.0.1", Port: 15432, User: "opsdeck_ro", DBName: "chat_prod",
		PassFile: "/home/ops/.pgpass", Timeout: 2 * time.Second}
	if !reflect.DeepEqual(d.Psql, wantPsql) || !reflect.DeepEqual(c.Databases[1].Psql, &Psql{Timeout: DefaultPsqlTimeout}) {
		t.Fatalf("psql %+v, %+v", d.Psql, c.Databases[1].Psql)
	}
	// The demo's commands are its blue/green steps (shift, switch, down,
	// migrate), run on the simulator.
	if def := Default().Actions; def.HealthTimeout != DefaultHealthTimeout || len(def.Commands) != 4 || def.Commands[0].Host != "" {
		t.Fatalf("default actions %+v", def)
	}
}
