package ising

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

// File names and format version of a dataset directory.
const (
	ConfigsFile   = "configs.npy"
	TempsFile     = "temperatures.npy"
	MetaFile      = "meta.json"
	FormatVersion = 1
)

// ErrCorrupt is wrapped by the errors Load returns for files that do not
// match their recorded checksums, sizes or shapes.
var ErrCorrupt = errors.New("ising: corrupt dataset")

// datasetMeta is the content of meta.json.
type datasetMeta struct {
	Format    int        `json:"format"`
	L         int        `json:"L"`
	H         float64    `json:"h"`
	N         int        `json:"n"`
	Grid      []float64  `json:"grid"`
	Counts    []int      `json:"counts"`
	Algorithm Algorithm  `json:"algorithm"`
	Flip      bool       `json:"z2_flip"`
	Seed      uint64     `json:"seed"`
	Info      []TempInfo `json:"per_temperature"`
	Files     []fileSum  `json:"files"`
}

type fileSum struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Save writes the dataset into dir (created if needed): configs.npy (uint8
// N×L², 0/1), temperatures.npy (float64 N) and meta.json (L, h, grid,
// counts, algorithm, seed, per-temperature τ_int, burn-in and spacing, and
// the size and SHA-256 of both arrays). Each file is written atomically;
// meta.json is written last, so an interrupted Save is detected by Load.
func (d *Dataset) Save(dir string) error {
	n, c := d.Configs.Dims()
	if n == 0 {
		c = d.L * d.L // an empty *mat.Dense has no columns
	}
	if c != d.L*d.L || len(d.Temps) != n {
		panic(mat.ErrShape)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	flat := make([]uint8, n*c)
	for r := range n {
		for j, v := range d.Configs.RawRowView(r) {
			if v != 0 && v != 1 {
				return fmt.Errorf("ising: row %d cell %d is %v, not 0 or 1", r, j, v)
			}
			flat[r*c+j] = uint8(v)
		}
	}
	meta := datasetMeta{Format: FormatVersion, L: d.L, H: d.H, N: n, Grid: d.Grid, Counts: d.Counts(),
		Algorithm: d.Algorithm, Flip: d.Flip, Seed: d.Seed, Info: d.Info}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{ConfigsFile, func(w io.Writer) error { return writeUint8Matrix(w, flat, n, c) }},
		{TempsFile, func(w io.Writer) error { return npy.Write(w, d.Temps) }},
	} {
		h := sha256.New()
		cw := &countWriter{}
		err := fileio.WriteAtomic(filepath.Join(dir, f.name), func(w io.Writer) error {
			return f.write(io.MultiWriter(w, h, cw))
		})
		if err != nil {
			return err
		}
		meta.Files = append(meta.Files, fileSum{f.name, cw.n, hex.EncodeToString(h.Sum(nil))})
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(filepath.Join(dir, MetaFile), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// writeUint8Matrix writes an n×c uint8 array in the NumPy .npy format
// version 1.0. npy.Write would need a [][]uint8 and reflects over every
// element; the format is simple enough to write directly.
func writeUint8Matrix(w io.Writer, data []uint8, n, c int) error {
	dict := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': (%d, %d), }", n, c)
	const pre = 10 // magic (6) + version (2) + header length (2)
	pad := 64 - (pre+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	hl := len(dict) + pad + 1
	hdr := append([]byte("\x93NUMPY\x01\x00"), byte(hl), byte(hl>>8))
	hdr = append(hdr, dict...)
	hdr = append(hdr, bytes.Repeat([]byte{' '}, pad)...)
	hdr = append(hdr, '\n')
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(data)
	return err
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// Load reads a dataset written by Save. It returns an error wrapping
// ErrCorrupt if a file's size or SHA-256 differs from meta.json, if an
// array has the wrong type or shape, if a cell is not 0 or 1, or if a
// temperature is not on the grid or the counts per temperature differ.
func Load(dir string) (*Dataset, error) {
	mb, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, err
	}
	var meta datasetMeta
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, MetaFile, err)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrCorrupt, dir, fmt.Sprintf(format, a...))
	}
	switch {
	case meta.Format != FormatVersion:
		return nil, bad("format version %d, want %d", meta.Format, FormatVersion)
	case meta.L < 2 || meta.N < 0 || len(meta.Grid) == 0 || len(meta.Counts) != len(meta.Grid) ||
		len(meta.Info) != len(meta.Grid) || len(meta.Files) != 2:
		return nil, bad("inconsistent %s", MetaFile)
	case !slices.IsSorted(meta.Grid):
		return nil, bad("temperature grid not ascending")
	}
	raw := make(map[string][]byte)
	for _, f := range meta.Files {
		if f.Name != ConfigsFile && f.Name != TempsFile {
			return nil, bad("unexpected file %q in %s", f.Name, MetaFile)
		}
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) != f.Bytes {
			return nil, bad("%s has %d bytes, %s records %d (truncated?)", f.Name, len(b), MetaFile, f.Bytes)
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != f.SHA256 {
			return nil, bad("%s does not match its SHA-256 in %s", f.Name, MetaFile)
		}
		raw[f.Name] = b
	}
	c := meta.L * meta.L
	if meta.N == 0 {
		// npyio cannot read empty arrays; the checksums above already tie
		// both files to what Save wrote.
		if !slices.Equal(meta.Counts, make([]int, len(meta.Grid))) {
			return nil, bad("no rows but counts %v", meta.Counts)
		}
		return &Dataset{L: meta.L, H: meta.H, Grid: meta.Grid, Temps: []float64{}, Labels: []int{},
			Info: meta.Info, Algorithm: meta.Algorithm, Flip: meta.Flip, Seed: meta.Seed, Configs: &mat.Dense{}}, nil
	}
	var cells []uint8
	shape, err := readNPY(raw[ConfigsFile], &cells)
	if err != nil {
		return nil, bad("%s: %v", ConfigsFile, err)
	}
	if len(shape) != 2 || shape[0] != meta.N || shape[1] != c || len(cells) != meta.N*c {
		return nil, bad("%s has shape %v, want (%d, %d)", ConfigsFile, shape, meta.N, c)
	}
	var temps []float64
	shape, err = readNPY(raw[TempsFile], &temps)
	if err != nil {
		return nil, bad("%s: %v", TempsFile, err)
	}
	if len(shape) != 1 || len(temps) != meta.N {
		return nil, bad("%s has shape %v, want (%d,)", TempsFile, shape, meta.N)
	}
	d := &Dataset{L: meta.L, H: meta.H, Grid: meta.Grid, Temps: temps, Labels: make([]int, meta.N),
		Info: meta.Info, Algorithm: meta.Algorithm, Flip: meta.Flip, Seed: meta.Seed}
	data := make([]float64, len(cells))
	for i, v := range cells {
		if v > 1 {
			return nil, bad("%s: cell %d of row %d is %d, not 0 or 1", ConfigsFile, i%c, i/c, v)
		}
		data[i] = float64(v)
	}
	d.Configs = mat.NewDense(meta.N, c, data)
	counts := make([]int, len(meta.Grid))
	for r, T := range temps {
		k, ok := slices.BinarySearch(meta.Grid, T)
		if !ok {
			return nil, bad("row %d has temperature %v, not on the grid", r, T)
		}
		d.Labels[r] = k
		counts[k]++
	}
	if !slices.Equal(counts, meta.Counts) {
		return nil, bad("counts per temperature %v, %s records %v", counts, MetaFile, meta.Counts)
	}
	return d, nil
}

func readNPY(b []byte, ptr any) ([]int, error) {
	r, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if err := r.Read(ptr); err != nil {
		return nil, err
	}
	return r.Header.Descr.Shape, nil
}
