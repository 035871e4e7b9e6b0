// Command logspew writes numbered log lines to stdout at a fixed rate,
// forever. scripts/bench runs it in its own container (bind-mounted into
// the test bed's FROM scratch image, so the shared images stay as they
// are) as the container whose logs opsdeck follows.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	rate := flag.Int("rate", 1000, "lines per second")
	flag.Parse()
	const tick = 10 * time.Millisecond // 100 bursts a second
	perTick := float64(*rate) * tick.Seconds()
	w := bufio.NewWriter(os.Stdout)
	var n int64
	due := 0.0 // fractions carried over, so any rate is exact on average
	for range time.Tick(tick) {
		due += perTick
		for ; due >= 1; due-- {
			n++
			fmt.Fprintf(w, "%s logspew line %d: GET /api/items?page=%d 200 in 12ms user=bench\n",
				time.Now().UTC().Format(time.RFC3339Nano), n, n%97)
		}
		if err := w.Flush(); err != nil {
			os.Exit(1)
		}
	}
}
