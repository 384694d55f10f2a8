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
	cases = append(cases, flagtest.Bad("ref-epochs", "-ref-epochs", "-1"), flagtest.Bad("ref-epochs", "-ref-epochs", "1000000000"),
		flagtest.Bad("zi-steps", "-zi-steps", "0"), flagtest.Bad("zi-steps", "-zi-steps", "-5"))

	flagtest.Run(t, flagtest.Parser(parse), cases)
}
