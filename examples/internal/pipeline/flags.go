package pipeline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/rgflow/rgflow/ising"
)

// Bounds on the flags the examples share: beyond them a run would not
// finish (or not fit in memory) on any machine the examples target.
const (
	MaxL        = 4096     // lattice side
	MaxPerTemp  = 10000000 // configurations per temperature
	MaxHidden   = 1 << 16  // RBM hidden units
	MaxChains   = 10000000 // flow chains
	MaxTemps    = 10000    // temperatures in a grid
	MaxEpochs   = 10000000 // training epochs
	MaxSteps    = 1000000  // flow steps
	MaxPCDChain = 10000000 // persistent chains
)

// FlagError is an invalid flag value or input, found before any work: the
// examples print it with their usage and exit with status 2.
type FlagError struct {
	Flag string // the flag's name, without the dash
	Msg  string
}

func (e *FlagError) Error() string { return fmt.Sprintf("invalid -%s: %s", e.Flag, e.Msg) }

// BadFlag returns a *FlagError for flag name.
func BadFlag(name, format string, a ...any) error {
	return &FlagError{Flag: name, Msg: fmt.Sprintf(format, a...)}
}

// IntIn returns a *FlagError unless lo ≤ v ≤ hi.
func IntIn(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return BadFlag(name, "%d (want %d … %d)", v, lo, hi)
	}
	return nil
}

// Positive returns a *FlagError unless v is finite and > 0.
func Positive(name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return BadFlag(name, "%v (want a finite value > 0)", v)
	}
	return nil
}

// NonNegative returns a *FlagError unless v is finite and ≥ 0.
func NonNegative(name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return BadFlag(name, "%v (want a finite value ≥ 0)", v)
	}
	return nil
}

// Finite returns a *FlagError unless v is finite.
func Finite(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return BadFlag(name, "%v (want a finite value)", v)
	}
	return nil
}

// Fraction returns a *FlagError unless 0 ≤ v < 1.
func Fraction(name string, v float64) error {
	if !(v >= 0 && v < 1) {
		return BadFlag(name, "%v (want a value in [0, 1))", v)
	}
	return nil
}

// InputFile returns a *FlagError unless path names a readable regular file.
func InputFile(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return BadFlag(name, "%v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return BadFlag(name, "%s is not a regular file", path)
	}
	return nil
}

// DatasetDir returns a *FlagError unless dir holds a dataset's metadata
// (ising.MetaFile; the arrays are checked when it is loaded).
func DatasetDir(name, dir string) error {
	if err := InputFile(name, filepath.Join(dir, ising.MetaFile)); err != nil {
		return BadFlag(name, "%s is not a dataset written by examples/dataset: %v", dir, err.(*FlagError).Msg)
	}
	return nil
}

// OutDir returns a *FlagError if dir is empty or exists and is not a
// directory.
func OutDir(name, dir string) error {
	if dir == "" {
		return BadFlag(name, "empty output directory")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return BadFlag(name, "%s exists and is not a directory", dir)
	}
	return nil
}

// Validate checks c's flags (-data, or -L and -n).
func (c DataConfig) Validate() error {
	if c.Dir != "" {
		return DatasetDir("data", c.Dir)
	}
	if err := IntIn("L", c.L, 2, MaxL); err != nil {
		return err
	}
	return PerTemp("n", c.PerTemp, c.TestFrac)
}

// Validate checks the RBM schedule's flags (-nh, -epochs, -batch, -lr,
// -lr-end, -momentum, -checkpoint, -pcd).
func (c RBMConfig) Validate() error {
	for _, f := range []struct {
		name   string
		v, max int
	}{{"nh", c.Nh, MaxHidden}, {"epochs", c.Epochs, MaxEpochs}, {"batch", c.Batch, MaxPerTemp}} {
		if err := IntIn(f.name, f.v, 1, f.max); err != nil {
			return err
		}
	}
	if err := Positive("lr", c.LR); err != nil {
		return err
	}
	if err := NonNegative("lr-end", c.LREnd); err != nil {
		return err
	}
	if err := Fraction("momentum", c.Momentum); err != nil {
		return err
	}
	if err := IntIn("checkpoint", c.CheckpointEvery, 0, MaxEpochs); err != nil {
		return err
	}
	return IntIn("pcd", c.PCDChains, 0, MaxPCDChain)
}

// Validate checks every shared flag of c before any work.
func (c *Common) Validate() error {
	if err := OutDir("out", c.Out); err != nil {
		return err
	}
	if err := c.Data.Validate(); err != nil {
		return err
	}
	if c.ThermoArch != "small" && c.ThermoArch != "medium" && c.ThermoArch != "reference" {
		return BadFlag("arch", "%q (want small, medium or reference)", c.ThermoArch)
	}
	if err := IntIn("thermo-epochs", c.Thermo.Epochs, 1, MaxEpochs); err != nil {
		return err
	}
	if err := c.RBM.Validate(); err != nil {
		return err
	}
	if err := IntIn("chains", c.Chains, 1, MaxChains); err != nil {
		return err
	}
	return IntIn("steps", c.Steps, 1, MaxSteps)
}

// Parse parses args into the flags of fs (which should be
// flag.ContinueOnError, writing to stderr) and then calls validate. For -h
// it prints the usage and returns flag.ErrHelp; for a flag the flag package
// rejects, its message and the usage; for a validation error, the error and
// the usage. Examples call it from main, before any work:
//
//	c, err := parse(os.Args[1:], os.Stderr)
//	if err != nil {
//		os.Exit(pipeline.ExitCode(err))
//	}
func Parse(fs *flag.FlagSet, args []string, validate func() error) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments %q", fs.Args())
		usage(fs, err)
		return err
	}
	if err := dataConflicts(fs); err != nil {
		usage(fs, err)
		return err
	}
	if err := validate(); err != nil {
		usage(fs, err)
		return err
	}
	return nil
}

// dataFlags are the flags that describe data to generate; a dataset loaded
// with -data has its own, so giving both is refused rather than one being
// ignored.
var dataFlags = []string{"L", "n", "ntest", "temps", "field", "algo"}

// dataConflicts returns a *FlagError if -data was given together with a
// flag of the data it replaces.
func dataConflicts(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["data"] {
		return nil
	}
	for _, name := range dataFlags {
		if set[name] {
			return BadFlag(name, "given with -data: the dataset loaded from %s fixes it; drop -%s (or -data to generate the data)", fs.Lookup("data").Value, name)
		}
	}
	return nil
}

func usage(fs *flag.FlagSet, err error) {
	fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
	fs.Usage()
}

// ExitCode is the exit status for an error of Parse: 0 for -h (help was
// asked for), 2 otherwise (the usage status of the flag package).
func ExitCode(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// NewFlagSet returns a ContinueOnError flag set named name writing to w.
func NewFlagSet(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	return fs
}
