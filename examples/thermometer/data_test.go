package main

import (
	"io"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/datatest"
	"github.com/rgflow/rgflow/examples/internal/flagtest"
)

// TestBadDatasets: the datasets examples/dataset can write but the
// thermometer cannot use (one temperature, a +Inf grid, no configurations,
// an empty test split, …) are refused with an error before any training and
// before any file is written, and no panic (issue 10, defect 7). A grid
// without T = 0 or without the Monte Carlo starts is fine here.
func TestBadDatasets(t *testing.T) {
	t.Parallel()
	datatest.Check(t, datatest.Parsed(parse, func(c config) error { return run(c, io.Discard) }), []string{"-epochs", "2", "-batch", "5"}, datatest.NoZero, datatest.NoMC)
}

// TestSplitFlags: fewer than two training or one test configuration per
// temperature is a flag error, before the Monte Carlo, and so is -ntest
// with -data (whose test rows are its own 20 %).
func TestSplitFlags(t *testing.T) {
	t.Parallel()
	flagtest.Run(t, flagtest.Parser(parse), []flagtest.Case{
		flagtest.Bad("n", "-n", "1"), flagtest.Bad("n", "-n", "0"), flagtest.Bad("ntest", "-ntest", "0"),
		flagtest.Bad("ntest", "-ntest", "-3"),
	})
}
