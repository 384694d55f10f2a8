package main

import (
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/flagtest"
)

// TestBadFlags: every bad flag fails before any work, with exit status 2
// and a message naming it (issue 10, defect 4).
func TestBadFlags(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing")
	flagtest.Run(t, flagtest.Parser(parse), []flagtest.Case{
		flagtest.Bad("fields", "-fields", "0"), flagtest.Bad("fields", "-fields", "-1"),
		flagtest.Bad("rbm", "-rbm", missing), flagtest.Bad("rbm", "-rbm", t.TempDir()),
		flagtest.Bad("data", "-data", missing),
		flagtest.Bad("L", "-L", "0"), flagtest.Bad("L", "-L", "0", "-n", "0"), flagtest.Bad("n", "-n", "0"),
		flagtest.Bad("nh", "-nh", "0"), flagtest.Bad("epochs", "-epochs", "-1"),
		flagtest.Bad("seed", "-seed", "x"),
	})
}
