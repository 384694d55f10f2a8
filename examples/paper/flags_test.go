package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/flagtest"
)

// TestBadFlags: every bad flag fails before any work, with exit status 2
// and a message naming it (issue 10, defect 4).
func TestBadFlags(t *testing.T) {
	t.Parallel()
	cases := flagtest.Common(t)
	cases = append(cases, flagtest.Bad("compare", "-compare", filepath.Join(t.TempDir(), "missing.json")))
	notSummary := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(notSummary, []byte(`{"flows": []}`), 0o644)
	cases = append(cases, flagtest.Bad("compare", "-compare", notSummary))
	flagtest.Run(t, flagtest.Parser(parse), cases)
}
