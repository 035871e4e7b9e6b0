// Package logs is the screen that follows one service's container logs.
package logs
