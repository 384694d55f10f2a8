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
		flagtest.Bad("data", "-data", missing), flagtest.Bad("data", "-data", t.TempDir()),
		flagtest.Bad("n", "-n", "0"), flagtest.Bad("n", "-n", "-1"),
		flagtest.Bad("epochs", "-epochs", "0"), flagtest.Bad("epochs", "-epochs", "-1"),
		flagtest.Bad("arch", "-arch", "huge"), flagtest.Bad("opt", "-opt", "rmsprop"), flagtest.Bad("loss", "-loss", "mse"),
		flagtest.Bad("lr", "-lr", "NaN"), flagtest.Bad("lr", "-lr", "Inf"), flagtest.Bad("lr", "-lr", "-1"),
		flagtest.Bad("momentum", "-momentum", "1.5"), flagtest.Bad("momentum", "-momentum", "-0.5"), flagtest.Bad("momentum", "-momentum", "NaN"),
		flagtest.Bad("batch", "-batch", "0"), flagtest.Bad("batch", "-batch", "-1"),
		flagtest.Bad("l2", "-l2", "-1"), flagtest.Bad("l2", "-l2", "NaN"),
		flagtest.Bad("val", "-val", "1"), flagtest.Bad("val", "-val", "-0.1"),
		flagtest.Bad("patience", "-patience", "-1"),
		flagtest.Bad("sym", "-sym=maybe"),
		flagtest.Bad("decay", "-decay", "0"), flagtest.Bad("decay", "-decay", "1.01"), flagtest.Bad("decay", "-decay", "NaN"),
		flagtest.Bad("decay", "-decay", "-0.5"),
		flagtest.Bad("ntest", "-data", missing, "-ntest", "10"),
	})
}
