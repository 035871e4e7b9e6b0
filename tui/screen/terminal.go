package screen

import "errors"

// ErrNoTerminal says the console's input or output is not a terminal (or
// the platform has no Screen support): Bubble Tea's renderer should draw.
var ErrNoTerminal = errors.New("not a terminal")
