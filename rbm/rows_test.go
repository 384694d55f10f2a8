package rbm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

// rowsNPY returns a .npy array of the values x (2×3 unless shape says
// otherwise) with element type descr, encoded by enc.
func rowsNPY(descr, fortran, shape string, x []float64, enc func(b []byte, v float64) []byte) []byte {
	var data []byte
	for _, v := range x {
		data = enc(data, v)
	}
	return fiotest.NPY("'"+descr+"'", fortran, shape, data)
}

var (
	le, be = binary.LittleEndian, binary.BigEndian
	encs   = map[string]func(b []byte, v float64) []byte{
		"|b1": func(b []byte, v float64) []byte { return append(b, byte(v)) },
		"|u1": func(b []byte, v float64) []byte { return append(b, byte(v)) },
		"|i1": func(b []byte, v float64) []byte { return append(b, byte(int8(v))) },
		"<i2": func(b []byte, v float64) []byte { return le.AppendUint16(b, uint16(int16(v))) },
		">i4": func(b []byte, v float64) []byte { return be.AppendUint32(b, uint32(int32(v))) },
		"<i8": func(b []byte, v float64) []byte { return le.AppendUint64(b, uint64(int64(v))) },
		"<u8": func(b []byte, v float64) []byte { return le.AppendUint64(b, uint64(v)) },
		"<f4": func(b []byte, v float64) []byte { return le.AppendUint32(b, math.Float32bits(float32(v))) },
		"<f8": func(b []byte, v float64) []byte { return le.AppendUint64(b, math.Float64bits(v)) },
		">f8": func(b []byte, v float64) []byte { return be.AppendUint64(b, math.Float64bits(v)) },
	}
)

// TestReadRows (issue 12, item 2): plain .npy arrays of 0/1 of every
// element type, and ±1 spins, read into the row encoding, in C and Fortran
// order.
func TestReadRows(t *testing.T) {
	t.Parallel()
	want := mat.NewDense(2, 3, []float64{1, 0, 0, 1, 1, 0})
	spins := []float64{1, -1, -1, 1, 1, -1}
	fortran := []float64{1, 1, 0, 1, 0, 0} // want's columns
	for descr, enc := range encs {
		cases := map[string][]byte{
			"0/1":         rowsNPY(descr, "False", "(2, 3)", want.RawMatrix().Data, enc),
			"0/1 fortran": rowsNPY(descr, "True", "(2, 3)", fortran, enc),
		}
		if descr != "|b1" && descr != "|u1" && descr != "<u8" {
			cases["±1"] = rowsNPY(descr, "False", "(2, 3)", spins, enc)
		}
		for name, b := range cases {
			got, err := ReadRows(bytes.NewReader(b))
			if err != nil || !mat.Equal(got, want) {
				t.Errorf("%s %s: %v\n%v", descr, name, err, mat.Formatted(got))
			}
		}
	}
	// Only 1s: the same in both encodings.
	got, err := ReadRows(bytes.NewReader(rowsNPY("<i8", "False", "(1, 2)", []float64{1, 1}, encs["<i8"])))
	if err != nil || got.At(0, 0) != 1 || got.At(0, 1) != 1 {
		t.Errorf("all ones: %v %v", got, err)
	}
}

// TestReadRowsErrors: values that are not configurations are ErrNotBinary
// naming the cell; arrays that are not matrices, malformed or truncated
// files and unsupported types are ErrFormat, with no allocation beyond the
// input for a header that declares more than the file holds.
//
// Not parallel: it measures allocations.
func TestReadRowsErrors(t *testing.T) {
	f8 := encs["<f8"]
	for _, tc := range []struct {
		name, want string
		b          []byte
		is         error
	}{
		{"value 2", "row 1, column 0 is 2", rowsNPY("<i8", "False", "(2, 3)", []float64{1, 0, 0, 2, 1, 0}, encs["<i8"]), ErrNotBinary},
		{"NaN", "row 0, column 2 is NaN", rowsNPY("<f8", "False", "(2, 3)", []float64{1, 0, math.NaN(), 1, 1, 0}, f8), ErrNotBinary},
		{"one half", "row 0, column 1 is 0.5", rowsNPY("<f4", "False", "(2, 3)", []float64{1, 0.5, 0, 1, 1, 0}, encs["<f4"]), ErrNotBinary},
		{"bool 2", "row 0, column 0 is 2", rowsNPY("|b1", "False", "(1, 2)", []float64{2, 0}, encs["|b1"]), ErrNotBinary},
		{"0 and -1", "row 0, column 1 is 0 and row 1, column 0 is −1", rowsNPY("<i2", "False", "(2, 2)", []float64{1, 0, -1, 1}, encs["<i2"]), ErrNotBinary},
		{"vector", "shape [6] is not a matrix", rowsNPY("<f8", "False", "(6,)", make([]float64, 6), f8), ErrFormat},
		{"scalar", "shape [] is not a matrix", rowsNPY("<f8", "False", "()", make([]float64, 1), f8), ErrFormat},
		{"no rows", "shape [0 5] is not a matrix", rowsNPY("<f8", "False", "(0, 5)", nil, f8), ErrFormat},
		{"three dimensions", "3 dimensions", rowsNPY("<f8", "False", "(1, 2, 3)", make([]float64, 6), f8), ErrFormat},
		{"complex", "unsupported .npy element type", fiotest.NPY("'<c16'", "False", "(1, 1)", make([]byte, 16)), ErrFormat},
		{"string", "unsupported .npy element type", fiotest.NPY("'<U1'", "False", "(1, 1)", make([]byte, 4)), ErrFormat},
		{"short data", "ends after 5 of 6", rowsNPY("<f8", "False", "(2, 3)", make([]float64, 5), f8), ErrFormat},
		{"long data", "longer than its shape", rowsNPY("<f8", "False", "(2, 3)", make([]float64, 7), f8), ErrFormat},
		{"bomb 1e6×1e6 uint8", "ends after", fiotest.NPY("'|u1'", "False", "(1000000, 1000000)", make([]byte, 64)), ErrFormat},
		{"not npy", "not a .npy array", []byte("hello, world"), ErrFormat},
	} {
		var err error
		alloc := fiotest.Allocated(func() { _, err = ReadRows(bytes.NewReader(tc.b)) })
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %v naming %q", tc.name, err, tc.is, tc.want)
		}
		if lim := fiotest.AllocLimit(len(tc.b)); alloc > lim {
			t.Errorf("%s: allocated %d bytes for %d of input", tc.name, alloc, len(tc.b))
		}
	}
}

// TestWriteRows: WriteRows writes a NumPy-conformant |u1 array (header
// padded so the data start on a 64-byte boundary) that ReadRows reads
// back; SaveRows and LoadRows round-trip through a file, atomically; bad
// rows write nothing.
func TestWriteRows(t *testing.T) {
	t.Parallel()
	d := gibbsInput(7, 13)
	var buf bytes.Buffer
	if err := WriteRows(&buf, d); err != nil {
		t.Fatal(err)
	}
	h, err := fileio.ReadHeader(bytes.NewReader(buf.Bytes()))
	if err != nil || h.Descr != "|u1" || h.Fortran || h.Shape[0] != 7 || h.Shape[1] != 13 || h.Len%64 != 0 || buf.Len() != h.Len+7*13 {
		t.Errorf("header %+v (%v), file of %d bytes", h, err, buf.Len())
	}
	if b := buf.Bytes(); b[h.Len-1] != '\n' {
		t.Error("the header does not end with a newline")
	}
	got, err := ReadRows(&buf)
	if err != nil || !mat.Equal(got, d) {
		t.Errorf("round trip: %v", err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "rows.npy")
	if err := SaveRows(p, d); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadRows(p); err != nil || !mat.Equal(got, d) {
		t.Errorf("file round trip: %v", err)
	}
	bad := mat.DenseCopyOf(d)
	bad.Set(2, 3, -1)
	if err := SaveRows(filepath.Join(dir, "bad.npy"), bad); !errors.Is(err, ErrNotBinary) {
		t.Errorf("SaveRows of a −1 cell: %v", err)
	}
	buf.Reset()
	if err := WriteRows(&buf, bad); !errors.Is(err, ErrNotBinary) || buf.Len() != 0 {
		t.Errorf("WriteRows of a −1 cell: %v, %d bytes written", err, buf.Len())
	}
	if err := WriteRows(&buf, &mat.Dense{}); !errors.Is(err, ErrNoData) {
		t.Errorf("WriteRows of nothing: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("the directory holds %d files, want rows.npy only", len(ents))
	}
	if _, err := LoadRows(filepath.Join(dir, "missing.npy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadRows of a missing file: %v", err)
	}
}

// FuzzReadRows fuzzes plain .npy arrays for ReadRows: it must not panic or
// allocate far beyond its input, must fail with ErrFormat or ErrNotBinary,
// or return 0/1 rows that WriteRows writes and ReadRows reads back.
func FuzzReadRows(f *testing.F) {
	var buf bytes.Buffer
	WriteRows(&buf, gibbsInput(4, 9))
	f.Add(buf.Bytes())
	for descr, enc := range encs {
		f.Add(rowsNPY(descr, "True", "(2, 3)", []float64{1, 0, 0, 1, 1, 0}, enc))
	}
	f.Add(rowsNPY("<i8", "False", "(2, 2)", []float64{1, -1, -1, 1}, encs["<i8"]))
	f.Add(fiotest.NPY("'|u1'", "False", "(1000000, 1000000)", make([]byte, 64)))
	f.Fuzz(func(t *testing.T, b []byte) {
		fiotest.Count()
		var d *mat.Dense
		var err error
		alloc := fiotest.Allocated(func() { d, err = ReadRows(bytes.NewReader(b)) })
		if alloc > fiotest.AllocLimit(len(b)) {
			t.Fatalf("allocated %d bytes for %d bytes of input", alloc, len(b))
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrNotBinary) {
				t.Fatalf("error %v wraps neither ErrFormat nor ErrNotBinary", err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteRows(&out, d); err != nil {
			t.Fatalf("read, but WriteRows fails: %v", err)
		}
		again, err := ReadRows(&out)
		if err != nil || !mat.Equal(again, d) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
