package fileio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
)

// ErrCorrupt is wrapped by the errors of the readers in this package for
// input that is not a well-formed .npy array or .npz archive, or that
// declares more data than it holds. Errors of the file system are returned
// as they are.
var ErrCorrupt = errors.New("fileio: malformed file")

// Limits of the .npy reader.
const (
	// MaxHeaderLen is the largest .npy header (the Python dict literal)
	// accepted. NumPy writes about 100 bytes and reads at most 10000
	// by default (numpy.lib.format, max_header_size).
	MaxHeaderLen = 1 << 16
	// MaxDims is the largest number of dimensions accepted.
	MaxDims = 2
)

var npyMagic = []byte("\x93NUMPY")

// Header is the parsed header of a NumPy .npy array: the element type, the
// storage order and the shape. Len is the number of bytes before the data.
type Header struct {
	Descr   string // NumPy type string: "<f8", ">f8" or "|u1"
	Fortran bool   // column-major data (fortran_order: True)
	Shape   []int
	Len     int
}

// Elems returns the number of elements of the array (1 for a scalar).
func (h *Header) Elems() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// kind is an element type this package decodes: code 'f' (float), 'i'
// (signed integer), 'u' (unsigned integer) or 'b' (bool), of size bytes.
// NPZ.Read and DecodeNPY take only '<f8', '>f8' and '|u1'; ReadValues
// takes them all.
type kind struct {
	size  int
	code  byte
	order binary.ByteOrder
}

func (k kind) f8() bool { return k.code == 'f' && k.size == 8 }
func (k kind) u1() bool { return k.code == 'u' && k.size == 1 }

func parseDescr(s string) (kind, error) {
	bad := fmt.Errorf("%w: unsupported .npy element type %q (want a bool, integer or float type: |b1, <i8, <f8, …)", ErrCorrupt, s)
	if len(s) != 3 {
		return kind{}, bad
	}
	var k kind
	switch s[0] {
	case '<', '|', '=':
		k.order = binary.LittleEndian // '=' is native order: rgflow's platforms are little-endian
	case '>':
		k.order = binary.BigEndian
	default:
		return kind{}, bad
	}
	k.code = s[1]
	k.size = int(s[2] - '0')
	switch {
	case k.code == 'b' && k.size == 1,
		(k.code == 'i' || k.code == 'u') && (k.size == 1 || k.size == 2 || k.size == 4 || k.size == 8),
		k.code == 'f' && (k.size == 4 || k.size == 8):
		return k, nil
	}
	return kind{}, bad
}

// payloadBytes returns the size of the array's data in bytes, or an error if
// it does not fit in an int64.
func (h *Header) payloadBytes() (int64, kind, error) {
	k, err := parseDescr(h.Descr)
	if err != nil {
		return 0, k, err
	}
	n := int64(k.size)
	for _, d := range h.Shape {
		if d != 0 && n > math.MaxInt64/int64(d) {
			return 0, k, fmt.Errorf("%w: .npy shape %v is too large", ErrCorrupt, h.Shape)
		}
		n *= int64(d)
	}
	if n > math.MaxInt/8 { // keeps every element count and index an int
		return 0, k, fmt.Errorf("%w: .npy shape %v is too large", ErrCorrupt, h.Shape)
	}
	return n, k, nil
}

// ReadHeader reads and parses a .npy header from r, reading no more than
// the header. It accepts format versions 1.0, 2.0 and 3.0, headers up to
// MaxHeaderLen bytes and at most MaxDims dimensions.
func ReadHeader(r io.Reader) (Header, error) {
	var pre [12]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return Header{}, fmt.Errorf("%w: .npy prefix: %v", ErrCorrupt, err)
	}
	if !bytes.Equal(pre[:6], npyMagic) {
		return Header{}, fmt.Errorf("%w: not a .npy array (magic %q)", ErrCorrupt, pre[:6])
	}
	var n, pl int
	switch pre[6] {
	case 1:
		pl = 10
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return Header{}, fmt.Errorf("%w: .npy prefix: %v", ErrCorrupt, err)
		}
		n = int(binary.LittleEndian.Uint16(pre[8:]))
	case 2, 3:
		pl = 12
		if _, err := io.ReadFull(r, pre[8:12]); err != nil {
			return Header{}, fmt.Errorf("%w: .npy prefix: %v", ErrCorrupt, err)
		}
		u := binary.LittleEndian.Uint32(pre[8:])
		if u > MaxHeaderLen {
			return Header{}, fmt.Errorf("%w: .npy header of %d bytes (at most %d)", ErrCorrupt, u, MaxHeaderLen)
		}
		n = int(u)
	default:
		return Header{}, fmt.Errorf("%w: .npy format version %d.%d", ErrCorrupt, pre[6], pre[7])
	}
	if n > MaxHeaderLen {
		return Header{}, fmt.Errorf("%w: .npy header of %d bytes (at most %d)", ErrCorrupt, n, MaxHeaderLen)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return Header{}, fmt.Errorf("%w: .npy header: %v", ErrCorrupt, err)
	}
	h, err := parseDict(buf)
	if err != nil {
		return Header{}, err
	}
	h.Len = pl + n
	return h, nil
}

// parseDict parses the header's Python dict literal, as NumPy writes it:
// {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } followed by
// spaces and a newline. Each of the three keys must appear exactly once.
func parseDict(b []byte) (Header, error) {
	var h Header
	p := &dictParser{b: b}
	bad := func(what string) (Header, error) {
		return Header{}, fmt.Errorf("%w: .npy header %q: %s", ErrCorrupt, truncate(b), what)
	}
	p.space()
	if !p.eat('{') {
		return bad("not a dict")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return bad("bad key")
		}
		if seen[key] {
			return bad("key " + key + " twice")
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return bad("missing ':'")
		}
		p.space()
		switch key {
		case "descr":
			if h.Descr, ok = p.str(); !ok {
				return bad("descr is not a type string")
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
			default:
				return bad("fortran_order is not True or False")
			}
		case "shape":
			if h.Shape, ok = p.tuple(); !ok {
				return bad("shape is not a tuple of non-negative integers")
			}
		default:
			return bad("unknown key " + strconv.Quote(key))
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return bad("missing ',' or '}'")
		}
		break
	}
	for p.i < len(b) && (b[p.i] == ' ' || b[p.i] == '\n' || b[p.i] == '\t' || b[p.i] == '\r' || b[p.i] == 0) {
		p.i++
	}
	if p.i != len(b) {
		return bad("trailing characters")
	}
	if !seen["descr"] || !seen["fortran_order"] || !seen["shape"] {
		return bad("missing key")
	}
	if len(h.Shape) > MaxDims {
		return bad(fmt.Sprintf("%d dimensions (at most %d)", len(h.Shape), MaxDims))
	}
	if _, _, err := h.payloadBytes(); err != nil {
		return Header{}, err
	}
	return h, nil
}

func truncate(b []byte) []byte {
	if len(b) > 120 {
		return b[:120]
	}
	return b
}

type dictParser struct {
	b []byte
	i int
}

func (p *dictParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t') {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) word(w string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		p.i += len(w)
		return true
	}
	return false
}

// str parses a quoted string without escapes.
func (p *dictParser) str() (string, bool) {
	if p.i >= len(p.b) || (p.b[p.i] != '\'' && p.b[p.i] != '"') {
		return "", false
	}
	q := p.b[p.i]
	end := bytes.IndexByte(p.b[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	s := p.b[p.i+1 : p.i+1+end]
	if bytes.IndexByte(s, '\\') >= 0 || len(s) > 64 {
		return "", false
	}
	p.i += end + 2
	return string(s), true
}

// tuple parses (), (n,), (n, m) or longer, with an optional trailing comma;
// every entry a non-negative decimal integer below 2⁶².
func (p *dictParser) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, true
		}
		if len(shape) > MaxDims {
			return nil, false
		}
		start := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == start || p.i-start > 18 {
			return nil, false
		}
		d, err := strconv.Atoi(string(p.b[start:p.i]))
		if err != nil {
			return nil, false
		}
		shape = append(shape, d)
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat(')') {
			return nil, false
		}
		if len(shape) == 1 {
			return nil, false // (n) is an int in Python, not a tuple
		}
		return shape, true
	}
}

// DecodeNPY decodes the .npy array b into ptr, as NPZ.Read does, and
// returns its shape. The data must be exactly as long as the header
// declares.
func DecodeNPY(b []byte, ptr any) ([]int, error) {
	r := bytes.NewReader(b)
	h, err := ReadHeader(r)
	if err != nil {
		return nil, err
	}
	n, _, err := h.payloadBytes()
	if err != nil {
		return nil, err
	}
	if int64(r.Len()) != n {
		return nil, fmt.Errorf("%w: .npy array of shape %v holds %d data bytes, its header declares %d", ErrCorrupt, h.Shape, r.Len(), n)
	}
	if err := decode(r, &h, ptr); err != nil {
		return nil, err
	}
	return h.Shape, nil
}

// decode reads the array's data, which r holds in full (the caller checked
// its length), into ptr: a *[]float64 (type f8, any shape, C order), a
// *[]uint8 (type u1) or a *mat.Dense (type f8, two non-zero dimensions).
// Fortran-order data are transposed to C order.
func decode(r io.Reader, h *Header, ptr any) error {
	_, k, err := h.payloadBytes()
	if err != nil {
		return err
	}
	n := h.Elems()
	typeErr := func(want string) error {
		return fmt.Errorf("%w: .npy array of type %q, want %s", ErrCorrupt, h.Descr, want)
	}
	switch p := ptr.(type) {
	case *[]float64:
		if !k.f8() {
			return typeErr("float64 (<f8)")
		}
		x := make([]float64, n)
		if err := readFloats(r, x, k.order); err != nil {
			return err
		}
		*p = h.cOrder(x)
	case *[]uint8:
		if !k.u1() {
			return typeErr("uint8 (|u1)")
		}
		x := make([]uint8, n)
		if _, err := io.ReadFull(r, x); err != nil {
			return fmt.Errorf("%w: .npy data: %v", ErrCorrupt, err)
		}
		*p = cOrder(h, x)
	case *mat.Dense:
		if !k.f8() {
			return typeErr("float64 (<f8)")
		}
		if len(h.Shape) != 2 || h.Shape[0] == 0 || h.Shape[1] == 0 {
			return fmt.Errorf("%w: .npy array of shape %v, want a non-empty matrix", ErrCorrupt, h.Shape)
		}
		x := make([]float64, n)
		if err := readFloats(r, x, k.order); err != nil {
			return err
		}
		*p = *mat.NewDense(h.Shape[0], h.Shape[1], h.cOrder(x))
	default:
		return fmt.Errorf("fileio: cannot decode into %T", ptr)
	}
	return nil
}

func (h *Header) cOrder(x []float64) []float64 { return cOrder(h, x) }

// cOrder returns the elements of a Fortran-order (column-major) 2-D array
// in C (row-major) order; x itself otherwise. An array of one dimension is
// the same in both orders.
func cOrder[T any](h *Header, x []T) []T {
	if !h.Fortran || len(h.Shape) != 2 {
		return x
	}
	r, c := h.Shape[0], h.Shape[1]
	y := make([]T, len(x))
	for j := range c {
		col := x[j*r : (j+1)*r]
		for i, v := range col {
			y[i*c+j] = v
		}
	}
	return y
}

func readFloats(r io.Reader, dst []float64, bo binary.ByteOrder) error {
	var buf [4096]byte
	for i := 0; i < len(dst); {
		k := min(len(buf)/8, len(dst)-i)
		if _, err := io.ReadFull(r, buf[:8*k]); err != nil {
			return fmt.Errorf("%w: .npy data: %v", ErrCorrupt, err)
		}
		for j := range k {
			dst[i+j] = math.Float64frombits(bo.Uint64(buf[8*j:]))
		}
		i += k
	}
	return nil
}

// ReadValues reads a .npy array of any bool, integer or float element type
// of at most MaxDims dimensions from r, and returns its shape and its
// elements converted to float64 (bools as 0 and 1) in C order. It reads
// the data as it comes, so memory grows with the bytes actually present,
// never with the size the header declares; data shorter or longer than
// declared is an error wrapping ErrCorrupt.
func ReadValues(r io.Reader) (shape []int, x []float64, err error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, nil, err
	}
	n, k, err := h.payloadBytes()
	if err != nil {
		return nil, nil, err
	}
	elems := int(n) / k.size
	var buf [1 << 14]byte
	per := len(buf) / k.size
	for len(x) < elems {
		m := min(per, elems-len(x))
		if got, err := io.ReadFull(r, buf[:m*k.size]); err != nil {
			return nil, nil, fmt.Errorf("%w: .npy data of shape %v ends after %d of %d elements", ErrCorrupt, h.Shape, len(x)+got/k.size, elems)
		}
		for i := range m {
			x = append(x, k.value(buf[i*k.size:]))
		}
	}
	if c, _ := r.Read(buf[:1]); c > 0 {
		return nil, nil, fmt.Errorf("%w: .npy data longer than its shape %v declares", ErrCorrupt, h.Shape)
	}
	return h.Shape, cOrder(&h, x), nil
}

// value converts the element at the start of b.
func (k kind) value(b []byte) float64 {
	switch k.code {
	case 'f':
		if k.size == 4 {
			return float64(math.Float32frombits(k.order.Uint32(b)))
		}
		return math.Float64frombits(k.order.Uint64(b))
	case 'b', 'u':
		switch k.size {
		case 1:
			return float64(b[0])
		case 2:
			return float64(k.order.Uint16(b))
		case 4:
			return float64(k.order.Uint32(b))
		}
		return float64(k.order.Uint64(b))
	}
	switch k.size {
	case 1:
		return float64(int8(b[0]))
	case 2:
		return float64(int16(k.order.Uint16(b)))
	case 4:
		return float64(int32(k.order.Uint32(b)))
	}
	return float64(int64(k.order.Uint64(b)))
}
