//go:build unix

package tuitest

// Size is the terminal's size now: as started, or as last resized.
func (c *Console) Size() (w, h int) { return c.emu.Width(), c.emu.Height() }
