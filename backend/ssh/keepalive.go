package ssh

import (
	"fmt"
	"time"
)

// keepalive sends keepalive@openssh.com every interval, like OpenSSH's
// ServerAliveInterval/ServerAliveCountMax, and closes the connection after
// maxMissed intervals without a reply. x/crypto has nothing built in
// (golang/go#5875).
//
// SendRequest blocks until the reply and serialises global requests, so
// at most one is in flight; each tick that finds it still unanswered is a
// miss. A dead peer without a TCP reset would otherwise hang Runs forever.
func (cn *conn) keepalive(interval time.Duration, maxMissed int, logf func(string, ...any)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	replies := make(chan error, 1)
	inflight, missed := false, 0
	for {
		select {
		case <-cn.done:
			return
		case err := <-replies:
			inflight = false
			if err != nil { // the connection is gone; newConn notices too
				return
			}
			missed = 0 // any reply, even "request failed", proves liveness
		case <-t.C:
			if inflight {
				missed++
				if missed >= maxMissed {
					why := fmt.Errorf("no reply to %d keepalives in %s, connection closed", missed, time.Duration(missed)*interval)
					if logf != nil {
						logf("ssh %s: %v", cn.host.label(), why)
					}
					cn.close(why)
					return
				}
				continue
			}
			inflight = true
			go func() {
				_, _, err := cn.client.SendRequest("keepalive@openssh.com", true, nil)
				replies <- err // buffered: never blocks, even after we returned
			}()
		}
	}
}
