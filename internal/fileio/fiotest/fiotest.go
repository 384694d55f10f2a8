// Package fiotest helps test and fuzz the decoders of rgflow's files: it
// rewrites one entry of an .npz archive (the zip CRC-32 and sizes follow)
// and measures what a call allocates.
package fiotest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"testing"
)

// Entries returns the names (without ".npy") and contents of the entries of
// the .npz archive raw, in archive order. It fails t if raw is not a valid
// archive.
func Entries(t testing.TB, raw []byte) (names []string, data [][]byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, trimNPY(f.Name))
		data = append(data, b)
	}
	return names, data
}

func trimNPY(name string) string {
	if path.Ext(name) == ".npy" {
		return name[:len(name)-4]
	}
	return name
}

// Replace returns the archive raw with the entry name's contents replaced by
// data (its CRC-32 and sizes rewritten to match, deflate-compressed as
// before); the other entries are copied unchanged. It fails t if raw is not
// a valid archive or lacks the entry.
func Replace(t testing.TB, raw []byte, name string, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		if trimNPY(f.Name) != name {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		found = true
		hdr := f.FileHeader
		hdr.Method = zip.Deflate
		w, err := zw.CreateHeader(&hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if !found {
		t.Fatalf("archive lacks entry %q", name)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Allocated returns the bytes allocated (by every goroutine) while f ran.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// AllocLimit is the most a decoder may allocate for an input of n bytes in
// the fuzz tests: 16 bytes per input byte (a uint8 cell becomes a float64,
// and a Fortran-order array is transposed once), plus 1 MiB of fixed
// costs (inflate state, buffers, the test's own copies).
func AllocLimit(n int) uint64 { return 16*uint64(n) + 1<<20 }

// Count appends one byte to the file named by the environment variable
// RGFLOW_FUZZ_COUNT, if it is set: .ci/run counts the executions of each
// fuzz target so (the fuzz workers are separate processes, and the
// coordinator's own count lags behind).
func Count() {
	name := os.Getenv("RGFLOW_FUZZ_COUNT")
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	f.Write([]byte{'.'})
	f.Close()
}

// NPY returns a .npy file (format 1.0) with the given header fields, as
// Python literals (descr "'<f8'", fortran "True", shape "(2, 3)"), and data.
func NPY(descr, fortran, shape string, data []byte) []byte {
	dict := "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)+1), byte((len(dict)+1)>>8))
	b = append(b, dict...)
	b = append(b, '\n')
	return append(b, data...)
}

// F8 returns x as little-endian float64 bytes.
func F8(x ...float64) []byte {
	b := make([]byte, 0, 8*len(x))
	for _, v := range x {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// WriteReplaced writes the archive seed (a file) with entry name replaced by
// data into dir as f.npz and returns its path and the bytes of input it
// holds (the archive plus its uncompressed entries), the measure of
// AllocLimit.
func WriteReplaced(t testing.TB, dir, seed, name string, data []byte) (string, int) {
	t.Helper()
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	out := Replace(t, raw, name, data)
	n := len(out)
	_, ents := Entries(t, out)
	for _, e := range ents {
		n += len(e)
	}
	p := filepath.Join(dir, "f.npz")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, n
}

// Input is one extra seed of FuzzArchive: the bytes that replace the entry
// named Entry (without ".npy").
type Input struct {
	Entry string
	Data  []byte
}

// FuzzArchive runs the fuzz target of a decoder of .npz archives. Its seed
// corpus is each entry of the archive in the file seed, as it is, plus
// extra; each input replaces one entry inside a freshly written valid
// archive (the zip CRC-32 and sizes rewritten), so that the decoder's
// checks, not the zip checksum, meet it. load must not panic, must not
// allocate more than AllocLimit of the input, must fail only with an error
// wrapping errFormat, and must return, for what it accepts, a save function
// that writes it again without an error.
func FuzzArchive(f *testing.F, seed string, errFormat error, load func(path string) (save func(path string) error, err error), extra ...Input) {
	raw, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	names, data := Entries(f, raw)
	for i, d := range data {
		f.Add(uint8(i), d)
	}
	for _, in := range extra {
		i := -1
		for k, n := range names {
			if n == in.Entry {
				i = k
			}
		}
		if i < 0 {
			f.Fatalf("%s has no entry %q", seed, in.Entry)
		}
		f.Add(uint8(i), in.Data)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, entry uint8, b []byte) {
		Count()
		name := names[int(entry)%len(names)]
		p, n := WriteReplaced(t, dir, seed, name, b)
		var save func(string) error
		var err error
		alloc := Allocated(func() { save, err = load(p) })
		if alloc > AllocLimit(n) {
			t.Fatalf("entry %s: allocated %d bytes for %d bytes of input", name, alloc, n)
		}
		if err != nil {
			if !errors.Is(err, errFormat) {
				t.Fatalf("entry %s: error %v does not wrap %v", name, err, errFormat)
			}
			return
		}
		if err := save(filepath.Join(dir, "again.npz")); err != nil {
			t.Fatalf("entry %s: loaded, but Save fails: %v", name, err)
		}
	})
}
