package rbm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
)

// ReadRows reads a plain NumPy .npy array of configurations from r into the
// row encoding: an n×N *mat.Dense, one configuration per row, cells 0/1.
// The array must be two-dimensional and non-empty, of any bool, integer or
// float element type (|b1, <i8, <u1, <f4, <f8, …, either byte order, C or
// Fortran order), and hold either only 0 and 1 (taken as they are) or only
// −1 and +1 (spins s, mapped to v = (s + 1)/2). An array whose only value is
// 1 reads the same either way.
//
// Anything else is an error: one wrapping ErrFormat for a malformed .npy
// array, an unsupported element type, another number of dimensions or an
// empty array; one wrapping ErrNotBinary, naming the row, the column and the
// value, for a value other than 0, 1 and −1 (NaN included) or for 0 and −1
// in the same array. Memory grows with the bytes actually read, never with
// the size the header declares.
//
// In NumPy: numpy.save(path, configs) for configs of shape (n, N).
func ReadRows(r io.Reader) (*mat.Dense, error) {
	shape, x, err := fileio.ReadValues(bufio.NewReader(r))
	if err != nil {
		if errors.Is(err, fileio.ErrCorrupt) {
			return nil, fmt.Errorf("%w: %w", ErrFormat, err)
		}
		return nil, err
	}
	if len(shape) != 2 || shape[0] == 0 || shape[1] == 0 {
		return nil, fmt.Errorf("%w: a .npy array of shape %v is not a matrix of configurations (want (n, N), n, N ≥ 1)", ErrFormat, shape)
	}
	cols := shape[1]
	// The first 0 and the first −1 decide the encoding; both is an error.
	zero, minus := -1, -1
	for i, v := range x {
		switch v {
		case 0:
			if zero < 0 {
				zero = i
			}
		case -1:
			if minus < 0 {
				minus = i
			}
		case 1:
		default:
			return nil, fmt.Errorf("%w: row %d, column %d is %v (want 0 and 1, or −1 and +1)", ErrNotBinary, i/cols, i%cols, v)
		}
	}
	if zero >= 0 && minus >= 0 {
		return nil, fmt.Errorf("%w: row %d, column %d is 0 and row %d, column %d is −1: neither 0/1 nor ±1", ErrNotBinary,
			zero/cols, zero%cols, minus/cols, minus%cols)
	}
	if minus >= 0 {
		for i, v := range x {
			x[i] = (v + 1) / 2
		}
	}
	return mat.NewDense(shape[0], cols, x), nil
}

// LoadRows reads the .npy file at path with ReadRows. Errors of the file
// system are returned as they are.
func LoadRows(path string) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadRows(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// WriteRows writes the rows of d (cells 0/1) to w as a .npy array of uint8
// (|u1) of shape (n, N) in C order, which numpy.load reads and ReadRows
// reads back. It writes nothing and returns an error wrapping ErrNotBinary
// if a cell is not 0 or 1, or wrapping ErrNoData if d is empty.
func WriteRows(w io.Writer, d *mat.Dense) error {
	if d.IsEmpty() {
		return ErrNoData
	}
	if err := checkBinary(d, "rows"); err != nil {
		return err
	}
	r, c := d.Dims()
	dict := "{'descr': '|u1', 'fortran_order': False, 'shape': (" + strconv.Itoa(r) + ", " + strconv.Itoa(c) + "), }"
	// Version 1.0: magic, version, header length, dict padded with spaces
	// and ended by a newline so that the data start on a 64-byte boundary.
	pad := 63 - (10+len(dict))%64
	bw := bufio.NewWriter(w)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(dict)+pad+1))
	bw.WriteString(dict)
	for range pad {
		bw.WriteByte(' ')
	}
	bw.WriteByte('\n')
	for i := 0; i < r; i++ {
		for _, v := range d.RawRowView(i) {
			bw.WriteByte(byte(v))
		}
	}
	return bw.Flush()
}

// SaveRows writes the rows of d to path with WriteRows, atomically
// (a temporary file renamed into place), so a crash never leaves part of a
// file at path.
func SaveRows(path string, d *mat.Dense) error {
	if d.IsEmpty() {
		return ErrNoData
	}
	if err := checkBinary(d, "rows"); err != nil {
		return err
	}
	return fileio.WriteAtomic(path, func(w io.Writer) error { return WriteRows(w, d) })
}
