package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/flagtest"
	"github.com/rgflow/rgflow/ising"
)

func TestRunSmoke(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	c := config{Out: dir, L: 6, N: 40, Temps: "0,1.5:3:0.75", Seed: 3, Algo: "auto"}
	if err := run(c, &log); err == nil {
		t.Fatal("malformed -temps accepted")
	}
	c.Temps = "1.5:3:0.75"
	if err := run(c, &log); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log.Bytes(), []byte("3/3 temperatures")) {
		t.Errorf("no progress on the log:\n%s", log.String())
	}
	d, err := ising.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, cols := d.Configs.Dims(); r != 120 || cols != 36 || d.Seed != 3 || len(d.Grid) != 3 || d.Grid[2] != 3 {
		t.Fatalf("dataset %d×%d, seed %d, grid %v", r, cols, d.Seed, d.Grid)
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		L     int `json:"L"`
		Temps []struct {
			T      float64            `json:"T"`
			E      map[string]float64 `json:"e"`
			ExactE *float64           `json:"exact_e"`
			TauInt float64            `json:"tau_int"`
		} `json:"temperatures"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.L != 6 || len(s.Temps) != 3 {
		t.Fatalf("summary: %s", b)
	}
	for _, tt := range s.Temps {
		if tt.ExactE == nil || tt.TauInt < 0.5 || tt.E["err"] <= 0 {
			t.Errorf("T = %v: exact %v, τ %v, e %v", tt.T, tt.ExactE, tt.TauInt, tt.E)
		}
	}
	f, err := os.Open(filepath.Join(dir, "observables.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if bd := img.Bounds(); bd.Dx() < 600 || bd.Dy() < 200 {
		t.Errorf("observables.png is %v", bd)
	}
	// Mean-field data has no exact lattice curve.
	c = config{Out: filepath.Join(dir, "mf"), L: 4, N: 20, Temps: "2,5", Seed: 1, Algo: "meanfield"}
	if err := run(c, &log); err != nil {
		t.Fatal(err)
	}
}

// TestRunFieldAndInf: at h ≠ 0 no global spin flip is applied or recorded
// (and -noflip turns it off at h = 0); a grid ending at +Inf is saved,
// loads back, and appears in summary.json as "+Inf".
func TestRunFieldAndInf(t *testing.T) {
	var log bytes.Buffer
	for _, tc := range []struct {
		name   string
		h      float64
		noflip bool
		flip   bool
	}{{"h=0", 0, false, true}, {"h=0 noflip", 0, true, false}, {"h=0.5", 0.5, false, false}} {
		dir := filepath.Join(t.TempDir(), "out")
		c := config{Out: dir, L: 4, N: 20, Temps: "0,2,inf", Seed: 5, Algo: "auto", H: tc.h, NoFlip: tc.noflip}
		if err := run(c, &log); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		d, err := ising.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d.Flip != tc.flip || d.H != tc.h || len(d.Grid) != 3 || !math.IsInf(d.Grid[2], 1) {
			t.Errorf("%s: flip %v, h %v, grid %v", tc.name, d.Flip, d.H, d.Grid)
		}
		b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Flip  bool `json:"z2_flip"`
			Temps []struct {
				T any `json:"T"`
			} `json:"temperatures"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		if s.Flip != tc.flip || len(s.Temps) != 3 || s.Temps[0].T != 0.0 || s.Temps[2].T != "+Inf" {
			t.Errorf("%s: summary.json: %s", tc.name, b)
		}
	}
}

func TestParseTemps(t *testing.T) {
	g, err := parseTemps("")
	if err != nil || len(g) != 25 || g[24] != 6 {
		t.Fatalf("default grid %v %v", g, err)
	}
	g, err = parseTemps("0:6:0.25")
	if err != nil || len(g) != 25 || g[1] != 0.25 || g[24] != 6 {
		t.Fatalf("range grid %v %v", g, err)
	}
	for _, bad := range []string{"a", "1:0:1", "0:1:0", "1,,2", "0:Inf:1", "NaN:6:1", "0:1e12:1e-3", "0:Inf:Inf", "-Inf:0:1", "2,1", "1,1", "-1", "nan"} {
		if _, err := parseTemps(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestBadFlags: every bad flag fails before any work, with exit status 2
// and a message naming it (issue 10, defects 3 and 4).
func TestBadFlags(t *testing.T) {
	t.Parallel()
	p := flagtest.Parser(parse)
	flagtest.Run(t, p, []flagtest.Case{
		flagtest.Bad("L", "-L", "0"),
		flagtest.Bad("L", "-L", "0", "-n", "0"),
		flagtest.Bad("L", "-L", "1"),
		flagtest.Bad("L", "-L", "100000"),
		flagtest.Bad("n", "-n", "0"),
		flagtest.Bad("n", "-n", "-5"),
		flagtest.Bad("L", "-L", "x"),
		flagtest.Bad("temps", "-temps", "0:Inf:1"),
		flagtest.Bad("temps", "-temps", "NaN:6:1"),
		flagtest.Bad("temps", "-temps", "0:1e12:1e-3"),
		flagtest.Bad("temps", "-temps", "0:6:0"),
		flagtest.Bad("temps", "-temps", "6:0:1"),
		flagtest.Bad("temps", "-temps", "-1:2:1"),
		flagtest.Bad("temps", "-temps", "2,1"),
		flagtest.Bad("temps", "-temps", "1,NaN"),
		flagtest.Bad("temps", "-temps", "1,,2"),
		flagtest.Bad("algo", "-algo", "bogus"),
		flagtest.Bad("algo", "-algo", "wolff", "-field", "0.1"),
		flagtest.Bad("algo", "-algo", "checkerboard", "-L", "5"),
		flagtest.Bad("field", "-field", "NaN"),
		flagtest.Bad("field", "-field", "Inf"),
	})
	// The out directory is checked too.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	var stderr bytes.Buffer
	if _, err := parse([]string{"-out", file}, &stderr); err == nil || !strings.Contains(stderr.String(), "-out") {
		t.Errorf("-out naming a file: %v", err)
	}
	// run refuses the same configurations (the grid is never built).
	if err := run(config{Out: t.TempDir(), L: 6, N: 10, Temps: "0:Inf:1", Algo: "auto"}, io.Discard); err == nil {
		t.Error("run accepted -temps 0:Inf:1")
	}
}
