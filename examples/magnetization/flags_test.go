package main

import (
	"testing"

	"github.com/rgflow/rgflow/examples/internal/flagtest"
)

// TestBadFlags: every bad flag fails before any work, with exit status 2
// and a message naming it (issue 10, defect 4).
func TestBadFlags(t *testing.T) {
	t.Parallel()
	cases := flagtest.Common(t)
	cases = append(cases, flagtest.Bad("base-std", "-base-std", "-1"), flagtest.Bad("base-std", "-base-std", "NaN"), flagtest.Bad("base-mean", "-base-mean", "Inf"))
	flagtest.Run(t, flagtest.Parser(parse), cases)
}
