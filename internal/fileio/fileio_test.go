package fileio

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

type meta struct {
	Version int    `json:"version"`
	Name    string `json:"name"`
}

func TestNPZRoundTripAndCorruption(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npz")
	w := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	if err := WriteNPZ(path, meta{1, "x"}, Entry{"W", w}, Entry{"b", []float64{7, 8}}); err != nil {
		t.Fatal(err)
	}
	a, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	var m meta
	if err := a.Meta(&m); err != nil || m != (meta{1, "x"}) {
		t.Fatalf("meta %+v, %v", m, err)
	}
	var got mat.Dense
	shape, err := a.Read("W", &got)
	if err != nil || !mat.Equal(&got, w) || len(shape) != 2 || shape[0] != 2 || shape[1] != 3 {
		t.Fatalf("W: %v %v %v", mat.Formatted(&got), shape, err)
	}
	var b []float64
	if _, err := a.Read("b", &b); err != nil || len(b) != 2 || b[1] != 8 {
		t.Fatalf("b: %v %v", b, err)
	}
	if _, err := a.Read("nope", &b); !errors.Is(err, ErrMissing) {
		t.Fatalf("missing entry: %v", err)
	}

	raw, _ := os.ReadFile(path)
	// Truncation at every eighth length must be rejected.
	for n := 0; n < len(raw); n += 8 {
		p := filepath.Join(dir, "t.npz")
		os.WriteFile(p, raw[:n], 0o644)
		if _, err := ReadNPZ(p); err == nil {
			t.Fatalf("truncated to %d of %d bytes: accepted", n, len(raw))
		}
	}
	// A flipped byte inside the stored data must be rejected (CRC-32, or
	// the deflate stream) when the entry is read.
	bad := append([]byte(nil), raw...)
	bad[len(bad)/3] ^= 0x40
	p := filepath.Join(dir, "c.npz")
	os.WriteFile(p, bad, 0o644)
	if err := readAll(p); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("corrupted archive: %v", err)
	}
}

// readAll reads the archive at path and every entry in it.
func readAll(path string) error {
	a, err := ReadNPZ(path)
	if err != nil {
		return err
	}
	for _, name := range a.Names() {
		var f []float64
		var u []uint8
		_, err := a.Read(name, &f)
		if err != nil {
			_, err = a.Read(name, &u)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func TestWriteAtomicKeepsOldFileOnError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a fi"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("old file changed to %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temporary file left behind: %v", ents)
	}
	if err := WriteAtomic(path, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("got %q, want new", b)
	}
}

// TestWriteAtomicAll: the files appear together, and a set that fails on
// its last file changes nothing in the directory and leaves no temporary
// file (issue 10, defect 8: a failed dataset save damaged the old one).
func TestWriteAtomicAll(t *testing.T) {
	dir := t.TempDir()
	old := []File{{"a", []byte("old a")}, {"b", []byte("old b")}}
	if err := WriteAtomicAll(dir, old); err != nil {
		t.Fatal(err)
	}
	// A name with a separator makes the third temporary file fail, after
	// the first two were written in full.
	err := WriteAtomicAll(dir, []File{{"a", []byte("new a")}, {"b", []byte("new b")}, {"c/d", []byte("x")}})
	if err == nil {
		t.Fatal("a set with an unwritable file was accepted")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries after the failed set, want the 2 old files", len(entries))
	}
	for _, f := range old {
		if b, err := os.ReadFile(filepath.Join(dir, f.Name)); err != nil || string(b) != string(f.Data) {
			t.Errorf("%s = %q, %v after the failed set; want %q", f.Name, b, err, f.Data)
		}
	}
	if err := WriteAtomicAll(dir, []File{{"a", []byte("new a")}, {"b", []byte("new b")}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if b, _ := os.ReadFile(filepath.Join(dir, n)); string(b) != "new "+n {
			t.Errorf("%s = %q after the second set", n, b)
		}
	}
}
