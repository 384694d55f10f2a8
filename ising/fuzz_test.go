package ising

import (
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

var updateTestdata = flag.Bool("update-testdata", false, "rewrite testdata/dataset (the fuzz seed)")

// TestTestdata: the fuzz seed testdata/dataset (written by Save with
// -update-testdata: L = 4, three temperatures, four rows each) loads.
func TestTestdata(t *testing.T) {
	if *updateTestdata {
		d, err := Generate(&DatasetSettings{L: 4, Grid: []float64{1, 2.5, 4}, PerTemp: 4}, rand.NewPCG(3, 4), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Save(datasetSeed); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load(datasetSeed)
	if err != nil || d.L != 4 || len(d.Temps) != 12 {
		t.Fatalf("%s: %v", datasetSeed, err)
	}
}

var datasetFiles = []string{ConfigsFile, TempsFile, MetaFile}

// FuzzLoad fuzzes each file of testdata/dataset — configs.npy and
// temperatures.npy with their sizes and SHA-256 in meta.json rewritten to
// match, and meta.json itself with its meta_sha256 rewritten — (issue 10,
// defects 1, 2, item 11): Load must not panic or allocate far beyond its
// input, and must return ErrCorrupt or a dataset that saves again.
func FuzzLoad(f *testing.F) {
	for i, name := range datasetFiles {
		b, err := os.ReadFile(filepath.Join(datasetSeed, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	f.Add(uint8(0), fiotest.NPY("'|u1'", "False", "(1000000, 1000000)", make([]byte, 64)))
	f.Add(uint8(0), fiotest.NPY("'|u1'", "True", "(12, 16)", make([]byte, 192)))
	f.Fuzz(func(t *testing.T, file uint8, b []byte) {
		fiotest.Count()
		name := datasetFiles[int(file)%len(datasetFiles)]
		dir := copyDataset(t, datasetSeed)
		if name == MetaFile {
			if err := os.WriteFile(filepath.Join(dir, name), resumMeta(b), 0o644); err != nil {
				t.Fatal(err)
			}
		} else {
			setFile(t, dir, name, b)
		}
		var d *Dataset
		var err error
		alloc := fiotest.Allocated(func() { d, err = Load(dir) })
		if lim := fiotest.AllocLimit(len(b) + 8<<10); alloc > lim {
			t.Fatalf("%s: allocated %d bytes for %d bytes of input", name, alloc, len(b))
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: error %v does not wrap ErrCorrupt", name, err)
			}
			return
		}
		if err := d.Save(filepath.Join(dir, "again")); err != nil {
			t.Fatalf("%s: loaded, but Save fails: %v", name, err)
		}
	})
}
