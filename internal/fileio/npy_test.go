package fileio

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio/fiotest"
)

// npyBytes returns a .npy file (format 1.0) with the given header dict and
// data.
func npyBytes(dict string, data []byte) []byte {
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(dict)+1), byte((len(dict)+1)>>8))
	b = append(b, dict...)
	b = append(b, '\n')
	return append(b, data...)
}

func f8(order binary.ByteOrder, x ...float64) []byte {
	b := make([]byte, 8*len(x))
	for i, v := range x {
		order.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}

// TestDecodeNPYWritten: what npyio writes decodes to the same values.
func TestDecodeNPYWritten(t *testing.T) {
	t.Parallel()
	w := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	for _, v := range []any{w, []float64{7, -8, math.Inf(1)}, []uint8{0, 1, 255}} {
		var buf bytes.Buffer
		if err := npy.Write(&buf, v); err != nil {
			t.Fatal(err)
		}
		switch v := v.(type) {
		case *mat.Dense:
			var got mat.Dense
			if shape, err := DecodeNPY(buf.Bytes(), &got); err != nil || !mat.Equal(&got, v) || !slices.Equal(shape, []int{2, 3}) {
				t.Errorf("matrix: %v %v", shape, err)
			}
		case []float64:
			var got []float64
			if shape, err := DecodeNPY(buf.Bytes(), &got); err != nil || !slices.Equal(got, v) || !slices.Equal(shape, []int{3}) {
				t.Errorf("float64s: %v %v %v", got, shape, err)
			}
		case []uint8:
			var got []uint8
			if shape, err := DecodeNPY(buf.Bytes(), &got); err != nil || !slices.Equal(got, v) || !slices.Equal(shape, []int{3}) {
				t.Errorf("uint8s: %v %v %v", got, shape, err)
			}
		}
	}
}

// TestDecodeNPYFortran (issue 10, defect 6): a Fortran-order array, as
// numpy.save(p, x.T) writes it, is transposed into C order, for matrices,
// flattened float64s and uint8s alike; big-endian data are decoded too.
func TestDecodeNPYFortran(t *testing.T) {
	t.Parallel()
	// The 2×3 matrix [[1 2 3] [4 5 6]] in column-major order.
	want := []float64{1, 2, 3, 4, 5, 6}
	for _, tc := range []struct {
		descr string
		order binary.ByteOrder
	}{{"<f8", binary.LittleEndian}, {">f8", binary.BigEndian}} {
		b := npyBytes("{'descr': '"+tc.descr+"', 'fortran_order': True, 'shape': (2, 3), }", f8(tc.order, 1, 4, 2, 5, 3, 6))
		var m mat.Dense
		if _, err := DecodeNPY(b, &m); err != nil || !mat.Equal(&m, mat.NewDense(2, 3, want)) {
			t.Errorf("%s matrix: %v\n%v", tc.descr, err, mat.Formatted(&m))
		}
		var x []float64
		if _, err := DecodeNPY(b, &x); err != nil || !slices.Equal(x, want) {
			t.Errorf("%s float64s: %v %v", tc.descr, x, err)
		}
	}
	var u []uint8
	b := npyBytes("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", []byte{1, 4, 2, 5, 3, 6})
	if _, err := DecodeNPY(b, &u); err != nil || !slices.Equal(u, []uint8{1, 2, 3, 4, 5, 6}) {
		t.Errorf("uint8s: %v %v", u, err)
	}
}

// TestDecodeNPYMalformed (issue 10, defects 1 and 2): malformed headers
// and sizes that do not match the data are errors wrapping ErrCorrupt,
// never panics, and nothing is allocated for declared sizes beyond the
// bytes present.
//
// Not parallel: it measures allocations.
func TestDecodeNPYMalformed(t *testing.T) {
	six := f8(binary.LittleEndian, 1, 2, 3, 4, 5, 6)
	dict := func(descr, order, shape string) string {
		return "{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + shape + ", }"
	}
	ok := dict("'<f8'", "False", "(2, 3)")
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"magic only", []byte("\x93NUMPY")},
		{"bad magic", npyBytes(ok, six)[1:]},
		{"version 4", append([]byte("\x93NUMPY\x04\x00\x10\x00"), bytes.Repeat([]byte{' '}, 16)...)},
		{"header beyond the file", []byte("\x93NUMPY\x01\x00\xff\xff{'descr'")},
		{"huge v2 header", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{")},
		{"no dict", npyBytes("'descr': '<f8'", six)},
		{"missing key", npyBytes("{'descr': '<f8', 'shape': (2, 3), }", six)},
		{"unknown key", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", six)},
		{"key twice", npyBytes("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", six)},
		{"unterminated string", npyBytes("{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3)}", six)},
		{"fortran_order Maybe", npyBytes(dict("'<f8'", "Maybe", "(2, 3)"), six)},
		{"int64", npyBytes(dict("'<i8'", "False", "(2, 3)"), six)},
		{"structured", npyBytes(dict("[('a', '<f8')]", "False", "(2, 3)"), six)},
		{"unknown kind", npyBytes(dict("'<q9'", "False", "(2, 3)"), six)},
		{"negative dimension", npyBytes(dict("'<f8'", "False", "(-2, -3)"), six)},
		{"not a tuple", npyBytes(dict("'<f8'", "False", "(6)"), six)},
		{"shape token", npyBytes(dict("'<f8'", "False", "(2, x)"), six)},
		{"unclosed shape", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3", six)},
		{"three dimensions", npyBytes(dict("'<f8'", "False", "(1, 2, 3)"), six)},
		{"overflowing shape", npyBytes(dict("'<f8'", "False", "(4611686018427387904, 4611686018427387904)"), six)},
		{"bomb 1e5×1e5", npyBytes(dict("'<f8'", "False", "(100000, 100000)"), six)},
		{"bomb 1e6×1e6 uint8", npyBytes(dict("'|u1'", "False", "(1000000, 1000000)"), six)},
		{"short data", npyBytes(ok, six[:40])},
		{"long data", npyBytes(ok, append(six, 0))},
		{"trailing garbage", npyBytes(ok+" x", six)},
		{"zero rows into a matrix", npyBytes(dict("'<f8'", "False", "(0, 2)"), nil)},
		{"scalar into a matrix", npyBytes(dict("'<f8'", "False", "()"), six[:8])},
		{"vector into a matrix", npyBytes(dict("'<f8'", "False", "(6,)"), six)},
	}
	for _, tc := range cases {
		for _, ptr := range []any{new(mat.Dense), new([]float64), new([]uint8)} {
			var err error
			alloc := fiotest.Allocated(func() { _, err = DecodeNPY(tc.b, ptr) })
			if tc.name == "scalar into a matrix" || tc.name == "vector into a matrix" || tc.name == "zero rows into a matrix" {
				if _, isDense := ptr.(*mat.Dense); !isDense {
					continue // valid arrays as slices of the right type
				}
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s into %T: %v, want ErrCorrupt", tc.name, ptr, err)
			}
			if lim := fiotest.AllocLimit(len(tc.b)); alloc > lim {
				t.Errorf("%s into %T: allocated %d bytes for %d of input", tc.name, ptr, alloc, len(tc.b))
			}
		}
	}
	// Empty arrays are valid as slices.
	var x []float64
	if shape, err := DecodeNPY(npyBytes(dict("'<f8'", "False", "(0, 2)"), nil), &x); err != nil || len(x) != 0 || !slices.Equal(shape, []int{0, 2}) {
		t.Errorf("empty array: %v %v", shape, err)
	}
}

// rawEntry is one entry of a hand-made zip archive: its declared sizes and
// CRC may lie.
type rawEntry struct {
	name   string
	method uint16
	data   []byte // as stored (compressed if method is Deflate)
	crc    uint32
	size   uint64
}

func deflate(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func writeRawZip(t *testing.T, path string, entries ...rawEntry) {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: e.method, CRC32: e.crc,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	zw.Close()
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNPZBombs (issue 10, defect 1): an entry declaring more than deflate
// can expand is rejected before decompression; an entry whose stream
// expands beyond its declared size is cut there; an entry whose .npy header
// declares more than the entry holds is rejected before any allocation; an
// entry nobody asks for is never expanded.
//
// Not parallel: it measures allocations.
func TestNPZBombs(t *testing.T) {
	dir := t.TempDir()
	const big = 64 << 20
	zeros := make([]byte, big)
	hdr := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (8388608,), }", nil)
	bomb := deflate(t, append(hdr, zeros[:big-len(hdr)]...)) // 64 MiB in about 64 KiB
	small := npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(binary.LittleEndian, 1, 2))
	crc := func(b []byte) uint32 { return crc32IEEE(b) }

	check := func(name string, read func(*NPZ) error, entries ...rawEntry) {
		t.Helper()
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".npz")
		writeRawZip(t, p, entries...)
		st, _ := os.Stat(p)
		var err error
		alloc := fiotest.Allocated(func() {
			var a *NPZ
			if a, err = ReadNPZ(p); err == nil {
				err = read(a)
			}
		})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
		if lim := fiotest.AllocLimit(int(st.Size())) + uint64(st.Size()); alloc > lim {
			t.Errorf("%s: allocated %d bytes for a file of %d", name, alloc, st.Size())
		}
	}
	readX := func(a *NPZ) error { var x []float64; _, err := a.Read("x", &x); return err }
	check("declared beyond deflate's ratio", readX,
		rawEntry{name: "x.npy", method: zip.Deflate, data: deflate(t, small), crc: crc(small), size: 1 << 40})
	check("stored entry with two sizes", readX,
		rawEntry{name: "x.npy", method: zip.Store, data: small, crc: crc(small), size: uint64(len(small)) + 1})
	check("stream longer than declared", readX,
		rawEntry{name: "x.npy", method: zip.Deflate, data: bomb, crc: 0, size: 4096})
	check("header declares more than the entry", readX,
		rawEntry{name: "x.npy", method: zip.Deflate, data: bomb, crc: 0, size: 8 << 10})
	check("unknown method", readX,
		rawEntry{name: "x.npy", method: 99, data: small, crc: crc(small), size: uint64(len(small))})
	check("name twice", readX,
		rawEntry{name: "x.npy", method: zip.Store, data: small, crc: crc(small), size: uint64(len(small))},
		rawEntry{name: "x", method: zip.Store, data: small, crc: crc(small), size: uint64(len(small))})
	// A metadata record far beyond MaxMetaBytes is refused unread.
	check("huge metadata", func(a *NPZ) error { var m meta; return a.Meta(&m) },
		rawEntry{name: MetaKey + ".npy", method: zip.Deflate, data: bomb, crc: 0, size: big})

	// A bomb beside the arrays asked for is not expanded.
	p := filepath.Join(dir, "beside.npz")
	writeRawZip(t, p,
		rawEntry{name: "x.npy", method: zip.Store, data: small, crc: crc(small), size: uint64(len(small))},
		rawEntry{name: "junk.npy", method: zip.Deflate, data: bomb, crc: 0, size: big})
	var x []float64
	alloc := fiotest.Allocated(func() {
		a, err := ReadNPZ(p)
		if err == nil {
			_, err = a.Read("x", &x)
		}
		if err != nil {
			t.Error(err)
		}
	})
	if !slices.Equal(x, []float64{1, 2}) || alloc > 1<<20 {
		t.Errorf("beside a bomb: %v, allocated %d", x, alloc)
	}
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
