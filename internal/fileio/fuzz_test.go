package fileio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

// FuzzDecodeNPY fuzzes the .npy reader on its own (issue 10, defect 2):
// no panic, ErrCorrupt for what it refuses, no allocation far beyond the
// input.
func FuzzDecodeNPY(f *testing.F) {
	for _, v := range []any{mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), []float64{1, 2}, []uint8{0, 1, 1}} {
		var b bytes.Buffer
		npy.Write(&b, v)
		f.Add(b.Bytes())
	}
	f.Add(npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", make([]byte, 48)))
	f.Fuzz(func(t *testing.T, b []byte) {
		fiotest.Count()
		for _, ptr := range []any{new(mat.Dense), new([]float64), new([]uint8)} {
			var err error
			alloc := fiotest.Allocated(func() { _, err = DecodeNPY(b, ptr) })
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("into %T: %v does not wrap ErrCorrupt", ptr, err)
			}
			if alloc > fiotest.AllocLimit(len(b)) {
				t.Fatalf("into %T: allocated %d bytes for %d", ptr, alloc, len(b))
			}
		}
	})
}

// FuzzReadNPZ fuzzes whole archives (the zip structure; issue 10, defect
// 1): reading the directory, the metadata and every entry must not panic
// or allocate far beyond deflate's reach.
func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed.npz")
	if err := WriteNPZ(p, meta{1, "x"}, Entry{"W", mat.NewDense(2, 2, []float64{1, 2, 3, 4})}, Entry{"b", []float64{5}}); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(p)
	f.Add(raw)
	f.Fuzz(func(t *testing.T, b []byte) {
		fiotest.Count()
		p := filepath.Join(dir, "f.npz")
		os.WriteFile(p, b, 0o644)
		var err error
		alloc := fiotest.Allocated(func() {
			if err = readAll(p); err == nil {
				var m meta
				if a, e := ReadNPZ(p); e == nil {
					a.Meta(&m)
				}
			}
		})
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%v does not wrap ErrCorrupt", err)
		}
		if alloc > 2*MaxDeflateRatio*uint64(len(b))+1<<20 {
			t.Fatalf("allocated %d bytes for %d", alloc, len(b))
		}
	})
}
