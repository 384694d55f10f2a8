// Command dataset generates the paper's labelled Ising dataset (L = 10,
// T = 0, 0.25, …, 6) and describes it:
//
//	go run ./examples/dataset -out DIR [-L 10] [-n 2000] [-temps 0:6:0.25] [-seed 1] [-algo auto] [-field 0] [-noflip]
//
// Each configuration is flipped globally (s → −s) with probability ½, a
// symmetry of the ensemble at h = 0 only: -noflip turns that off, and it is
// always off at h ≠ 0.
//
// It writes DIR/configs.npy (uint8 N×L²), DIR/temperatures.npy (float64 N)
// and DIR/meta.json (ising.Dataset.Save), DIR/summary.json (per temperature
// ⟨e⟩, ⟨|m|⟩, c, χ and the Binder cumulant with autocorrelation-aware errors,
// τ_int, burn-in and spacing, and the exact finite-L ⟨e⟩ and c beside them)
// and DIR/observables.png (⟨|m|⟩, e and c against T with the exact curves).
// Progress goes to stderr. The defaults take a few seconds on 2 cores.
package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
	"github.com/rgflow/rgflow/ising"
)

type config struct {
	Out   string
	L     int
	N     int     // configurations per temperature
	Temps string  // "a,b,c" or "lo:hi:step"; empty means the paper's grid
	Seed  uint64  // random seed
	Algo  string  // ising.ParseAlgorithm name
	H     float64 // external field
	// NoFlip turns off the random global spin flip (always off at h ≠ 0).
	NoFlip bool
}

func main() {
	c, err := parse(os.Args[1:], os.Stderr)
	if err != nil {
		os.Exit(pipeline.ExitCode(err))
	}
	if err := run(c, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dataset:", err)
		os.Exit(1)
	}
}

// parse parses and validates the command line; messages and the usage go
// to stderr.
func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := pipeline.NewFlagSet("dataset", stderr)
	fs.StringVar(&c.Out, "out", "out/dataset", "output directory")
	fs.IntVar(&c.L, "L", ising.DefaultL, "lattice side")
	fs.IntVar(&c.N, "n", ising.DefaultPerTemp, "configurations per temperature")
	fs.StringVar(&c.Temps, "temps", "", fmt.Sprintf(`temperatures: "a,b,c" or "lo:hi:step", at most %d (default 0:6:0.25)`, pipeline.MaxTemps))
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed")
	fs.StringVar(&c.Algo, "algo", "auto", "sampler: auto, metropolis, checkerboard, heatbath, wolff, sw, meanfield, curieweiss")
	fs.Float64Var(&c.H, "field", 0, "external field h")
	fs.BoolVar(&c.NoFlip, "noflip", false, "no random global spin flip (it is applied at h = 0 only)")
	err := pipeline.Parse(fs, args, func() error { return validate(c) })
	return c, err
}

// validate checks every flag of c before any work.
func validate(c config) error {
	if err := pipeline.OutDir("out", c.Out); err != nil {
		return err
	}
	if err := pipeline.IntIn("L", c.L, 2, pipeline.MaxL); err != nil {
		return err
	}
	if err := pipeline.IntIn("n", c.N, 1, pipeline.MaxPerTemp); err != nil {
		return err
	}
	if _, err := parseTemps(c.Temps); err != nil {
		return pipeline.BadFlag("temps", "%v", err)
	}
	alg, err := ising.ParseAlgorithm(c.Algo)
	if err != nil {
		return pipeline.BadFlag("algo", "%v", err)
	}
	if err := pipeline.Finite("field", c.H); err != nil {
		return err
	}
	// The rest of ising.Generate's checks: samplers that need h = 0 or an
	// even L.
	switch {
	case c.H != 0 && (alg == ising.AlgWolff || alg == ising.AlgSwendsenWang):
		return pipeline.BadFlag("algo", "%v needs -field 0, have %v", alg, c.H)
	case (alg == ising.AlgCheckerboard || alg == ising.AlgHeatBath) && c.L%2 != 0:
		return pipeline.BadFlag("algo", "%v needs an even -L, have %d", alg, c.L)
	}
	return nil
}

// parseTemps parses "a,b,c" or "lo:hi:step".
func parseTemps(s string) ([]float64, error) {
	if s == "" {
		return ising.DefaultGrid(), nil
	}
	if parts := strings.Split(s, ":"); len(parts) == 3 {
		var v [3]float64
		for i, p := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return nil, fmt.Errorf("temperatures %q: %v", s, err)
			}
			v[i] = x
		}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("temperatures %q: lo, hi and step must be finite", s)
			}
		}
		if !(v[2] > 0) || v[1] < v[0] || v[0] < 0 {
			return nil, fmt.Errorf("temperatures %q: want 0 ≤ lo ≤ hi and step > 0", s)
		}
		// The count first: a huge range or a tiny step would otherwise
		// build the grid until memory runs out.
		if n := math.Floor((v[1]-v[0])/v[2]+1e-9) + 1; !(n <= pipeline.MaxTemps) {
			return nil, fmt.Errorf("temperatures %q: %.3g temperatures, more than %d", s, n, pipeline.MaxTemps)
		}
		var g []float64
		for k := 0; k <= pipeline.MaxTemps; k++ {
			T := v[0] + float64(k)*v[2]
			if T > v[1]+1e-9*v[2] {
				break
			}
			g = append(g, math.Round(T*1e9)/1e9)
		}
		return checkGrid(s, g)
	}
	var g []float64
	for _, p := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("temperatures %q: %v", s, err)
		}
		if len(g) == pipeline.MaxTemps {
			return nil, fmt.Errorf("temperatures %q: more than %d", s, pipeline.MaxTemps)
		}
		g = append(g, x)
	}
	return checkGrid(s, g)
}

// checkGrid returns g, or an error unless it is strictly ascending, without
// NaN or negative temperatures (+Inf is allowed, last).
func checkGrid(s string, g []float64) ([]float64, error) {
	for i, T := range g {
		if math.IsNaN(T) || T < 0 {
			return nil, fmt.Errorf("temperatures %q: %v is not a temperature", s, T)
		}
		if i > 0 && !(T > g[i-1]) {
			return nil, fmt.Errorf("temperatures %q: not strictly ascending at %v", s, T)
		}
	}
	return g, nil
}

func run(c config, log io.Writer) error {
	if err := validate(c); err != nil {
		return err
	}
	grid, err := parseTemps(c.Temps)
	if err != nil {
		return err
	}
	alg, err := ising.ParseAlgorithm(c.Algo)
	if err != nil {
		return err
	}
	start := time.Now()
	logf := func(format string, a ...any) {
		fmt.Fprintf(log, "[%6.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
	}
	set := &ising.DatasetSettings{L: c.L, Grid: grid, PerTemp: c.N, H: c.H, Algorithm: alg, NoFlip: c.NoFlip}
	logf("generating L = %d, h = %v, %d temperatures × %d configurations, algorithm %v, seed %d, global spin flip %v",
		c.L, c.H, len(grid), c.N, alg, c.Seed, !c.NoFlip && c.H == 0)
	d, err := ising.Generate(set, rand.NewPCG(c.Seed, 0x5eed), func(done, total int) error {
		logf("Monte Carlo: %d/%d temperatures", done, total)
		return nil
	})
	if err != nil {
		return err
	}
	d.Seed = c.Seed
	elapsed := time.Since(start).Seconds()
	st, err := pipeline.OpenOut(c.Out, false)
	if err != nil {
		return err
	}
	final := c.Out
	c.Out = st.Dir
	if err := d.Save(c.Out); err != nil {
		return err
	}
	logf("wrote %s, %s, %s", ising.ConfigsFile, ising.TempsFile, ising.MetaFile)
	sum := summarize(d, c, elapsed)
	if err := writeJSON(filepath.Join(c.Out, "summary.json"), sum); err != nil {
		return err
	}
	if err := plotObservables(filepath.Join(c.Out, "observables.png"), sum); err != nil {
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	logf("wrote summary.json and observables.png in %s", final)
	for _, t := range sum.Temps {
		if math.Abs(float64(t.T)-ising.Tc) < 0.2 {
			logf("T = %.2f: %v, τ_int = %.2f updates (%.2f sweeps), e = %.4f ± %.4f (exact %s)",
				t.T, t.Algorithm, t.TauInt, t.TauSweeps, t.E.V, t.E.Err, fmtOpt(t.ExactE))
		}
	}
	return nil
}

func fmtOpt(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*p, 'f', 4, 64)
}
