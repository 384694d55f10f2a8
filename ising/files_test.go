package ising

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

var metaSumRE = regexp.MustCompile(`"meta_sha256": ?"[0-9a-f]{64}"`)

// resumMeta rewrites the meta_sha256 of meta.json bytes b to match b, as
// Save computes it (b is returned unchanged if it has no such field).
func resumMeta(b []byte) []byte {
	loc := metaSumRE.FindIndex(b)
	if loc == nil {
		return b
	}
	field := b[loc[0]:loc[1]]
	pre := field[:len(field)-66]
	blank := slices.Concat(b[:loc[0]], pre, []byte(`"`+metaSumPlaceholder+`"`), b[loc[1]:])
	s := sha256.Sum256(blank)
	return slices.Concat(b[:loc[0]], pre, []byte(`"`+hex.EncodeToString(s[:])+`"`), b[loc[1]:])
}

// setFile writes data as file name of the dataset in dir, and rewrites its
// size and SHA-256 in meta.json and meta.json's own checksum, as another
// writer would.
func setFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	mpath := filepath.Join(dir, MetaFile)
	mb, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	os0, ns := sha256.Sum256(old), sha256.Sum256(data)
	mb = bytes.Replace(mb, []byte(hex.EncodeToString(os0[:])), []byte(hex.EncodeToString(ns[:])), 1)
	re := regexp.MustCompile(`("name": "` + regexp.QuoteMeta(name) + `",\s*"bytes": )\d+`)
	mb = re.ReplaceAll(mb, []byte("${1}"+itoa(len(data))))
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mpath, resumMeta(mb), 0o644); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// copyDataset copies the dataset directory src into a new directory.
func copyDataset(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{ConfigsFile, TempsFile, MetaFile} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	datasetSeed = "testdata/dataset" // format 2, written by the current Save
	datasetV1   = "testdata/v1"      // format 1, written before meta_sha256
)

// TestLoadFormat1 loads a dataset written by format 1 (no meta_sha256).
func TestLoadFormat1(t *testing.T) {
	t.Parallel()
	d, err := Load(datasetV1)
	if err != nil {
		t.Fatal(err)
	}
	if d.L != 4 || len(d.Temps) != 12 || !slices.Equal(d.Grid, []float64{1, 2.5, 4}) {
		t.Errorf("format 1 dataset: L %d, %d rows, grid %v", d.L, len(d.Temps), d.Grid)
	}
}

// TestMetaChecksum (issue 10, item 11): an edit of meta.json that keeps it
// consistent (h = 0 → 0.25 with the flip off) is caught by meta_sha256; a
// format-1 file with a meta_sha256 is rejected.
func TestMetaChecksum(t *testing.T) {
	t.Parallel()
	dir := copyDataset(t, datasetSeed)
	mb, _ := os.ReadFile(filepath.Join(dir, MetaFile))
	edited := bytes.Replace(bytes.Replace(mb, []byte(`"h": 0,`), []byte(`"h": 0.25,`), 1), []byte(`"z2_flip": true`), []byte(`"z2_flip": false`), 1)
	if bytes.Equal(edited, mb) {
		t.Fatal("edit did not apply")
	}
	os.WriteFile(filepath.Join(dir, MetaFile), edited, 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("edited h: %v, want ErrCorrupt from the checksum", err)
	}
	// With the checksum rewritten the edit is taken as written.
	os.WriteFile(filepath.Join(dir, MetaFile), resumMeta(edited), 0o644)
	if d, err := Load(dir); err != nil || d.H != 0.25 {
		t.Errorf("re-summed edit: %v", err)
	}
	v1 := bytes.Replace(mb, []byte(`"format": 2`), []byte(`"format": 1`), 1)
	os.WriteFile(filepath.Join(dir, MetaFile), resumMeta(v1), 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
		t.Errorf("format 1 with meta_sha256: %v", err)
	}
}

// TestLoadHostileArrays (issue 10, defects 1, 2, 6): arrays with matching
// checksums but headers declaring sizes beyond the bytes present, or
// malformed, are ErrCorrupt without a large allocation or a panic;
// configs.npy in Fortran order is transposed.
//
// Not parallel: it measures allocations.
func TestLoadHostileArrays(t *testing.T) {
	d, err := Load(datasetSeed)
	if err != nil {
		t.Fatal(err)
	}
	n, c := d.Configs.Dims()
	for _, tc := range []struct {
		name, file string
		data       []byte
	}{
		{"configs 1e6×1e6", ConfigsFile, fiotest.NPY("'|u1'", "False", "(1000000, 1000000)", make([]byte, 64))},
		{"configs (0, 16)", ConfigsFile, fiotest.NPY("'|u1'", "False", "(0, 16)", nil)},
		{"configs negative", ConfigsFile, fiotest.NPY("'|u1'", "False", "(-12, -16)", make([]byte, 192))},
		{"configs unknown kind", ConfigsFile, fiotest.NPY("'|k1'", "False", "(12, 16)", make([]byte, 192))},
		{"configs header cut", ConfigsFile, []byte("\x93NUMPY\x01\x00\x40\x00{'descr': '|u1', 'fortr")},
		{"configs float64", ConfigsFile, fiotest.NPY("'<f8'", "False", "(12, 16)", make([]byte, 8*192))},
		{"temperatures 1e12", TempsFile, fiotest.NPY("'<f8'", "False", "(1000000000000,)", make([]byte, 96))},
		{"temperatures token", TempsFile, fiotest.NPY("'<f8'", "False", "(1e1,)", make([]byte, 96))},
	} {
		dir := copyDataset(t, datasetSeed)
		setFile(t, dir, tc.file, tc.data)
		var err error
		alloc := fiotest.Allocated(func() { _, err = Load(dir) })
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", tc.name, err)
		}
		if alloc > fiotest.AllocLimit(len(tc.data)+8<<10) {
			t.Errorf("%s: allocated %d bytes", tc.name, alloc)
		}
	}
	// numpy.save(p, configs.T.copy().T): column-major cells.
	col := make([]byte, 0, n*c)
	for j := range c {
		for i := range n {
			col = append(col, byte(d.Configs.At(i, j)))
		}
	}
	dir := copyDataset(t, datasetSeed)
	setFile(t, dir, ConfigsFile, fiotest.NPY("'|u1'", "True", "("+itoa(n)+", "+itoa(c)+")", col))
	got, err := Load(dir)
	if err != nil || !mat.Equal(got.Configs, d.Configs) {
		t.Errorf("configs.npy in Fortran order: %v", err)
	}
}
