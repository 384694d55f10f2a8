package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"

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

func TestParseTemps(t *testing.T) {
	g, err := parseTemps("")
	if err != nil || len(g) != 25 || g[24] != 6 {
		t.Fatalf("default grid %v %v", g, err)
	}
	g, err = parseTemps("0:6:0.25")
	if err != nil || len(g) != 25 || g[1] != 0.25 || g[24] != 6 {
		t.Fatalf("range grid %v %v", g, err)
	}
	for _, bad := range []string{"a", "1:0:1", "0:1:0", "1,,2"} {
		if _, err := parseTemps(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
