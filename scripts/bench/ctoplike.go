package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ctopLike is the stand-in for ctop (which cannot be installed here: the
// Go module proxy refuses it and there is no route to GitHub releases). It
// is NOT ctop: it reproduces ctop's documented Docker collector, one
// streaming stats request (GET /containers/{id}/stats, stream=true) per
// running container held open for the whole run, reading every sample the
// daemon sends (one per container per second). It talks to sock (the
// counting proxy) so its requests are counted like opsdeck's, and returns
// the samples it read.
func ctopLike(sock string, d time.Duration) (samples int64, err error) {
	cl := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dl net.Dialer
			return dl.DialContext(ctx, "unix", sock)
		},
		MaxIdleConnsPerHost: 1024,
	}}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/containers/json", nil)
	resp, err := cl.Do(req)
	if err != nil {
		return 0, err
	}
	var list []struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	var (
		n  atomic.Int64
		wg sync.WaitGroup
	)
	for _, c := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/containers/"+c.ID+"/stats?stream=1", nil)
			resp, err := cl.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() { // one JSON sample per line
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if len(list) == 0 {
		return 0, fmt.Errorf("no running containers")
	}
	return n.Load(), nil
}
