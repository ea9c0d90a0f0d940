//go:build !linux || ci || wayland

package app

// keepInFront does nothing here: under the ci tag (Fyne's test driver has
// no real window), on Wayland (the compositor decides) and off Linux.
func keepInFront() (stop func()) { return func() {} }
