package main

import (
	"io"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/datatest"
	"github.com/rgflow/rgflow/examples/internal/flagtest"
	"github.com/rgflow/rgflow/examples/internal/pipeline"
)

// TestBadDatasets: the datasets examples/dataset can write but weights cannot
// use (one temperature, a +Inf grid, no configurations, an empty test
// split, …) are refused with an error before any training and before any
// file is written, and no panic (issue 10, defect 7).
func TestBadDatasets(t *testing.T) {
	t.Parallel()
	datatest.Check(t, datatest.Parsed(parse, func(c config) error { return run(c, &pipeline.Progress{W: io.Discard}) }), []string{"-epochs", "2", "-nh", "4", "-fields", "2"}, datatest.OneTemp, datatest.InfPair, datatest.InfTriple, datatest.NoZero, datatest.NoMC)
}

// TestSplitFlags: -n too small for the 80/20 split to leave a test
// configuration at every temperature is a flag error, before the Monte
// Carlo (issue 10, defect 7).
func TestSplitFlags(t *testing.T) {
	t.Parallel()
	flagtest.Run(t, flagtest.Parser(parse), []flagtest.Case{
		flagtest.Bad("n", "-n", "1"), flagtest.Bad("n", "-n", "2"), flagtest.Bad("n", "-n", "2", "-L", "100"),
	})
}
