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
	cases = append(cases, flagtest.Bad("nhs", "-nhs", "16,0"), flagtest.Bad("nhs", "-nhs", ""), flagtest.Bad("nhs", "-nhs", "a"), flagtest.Bad("nhs", "-nhs", "16,100000000"))
	flagtest.Run(t, flagtest.Parser(parse), cases)
}
