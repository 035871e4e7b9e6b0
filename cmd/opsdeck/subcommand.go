package main

// oneShot builds the app of a one-shot command (status, check): the
// sources log to stderr, and nothing touches the state directory.
func (c *cli) oneShot() (*app, error) {
	f := c.f
	f.log = c.stderrLog()
	a, err := build(f, c.getenv)
	if err != nil {
		return nil, configError{err}
	}
	return a, nil
}
