// Package jsonf is rgflow's one JSON encoding of floating-point numbers,
// which JSON cannot hold when they are not finite (encoding/json refuses
// them with "json: unsupported value: NaN"):
//
//	NaN   null
//	+Inf  "+Inf"
//	−Inf  "-Inf"
//
// and finite numbers as encoding/json writes them (so −0 is -0). Reading
// accepts the same forms and also the string "NaN" (older meta.json files).
// null means NaN, the "no value" of rgflow's results (a reading outside a
// thermometer's range, a monitor that was not computed), so a NumPy reader
// gets nan from np.array(..., dtype=float); the infinities keep their sign
// and round-trip unambiguously.
//
// Marshal and Unmarshal encode a whole struct this way, following its json
// tags as encoding/json does ("-", names, omitempty; untagged embedded
// structs are promoted); Marshal also writes maps with string keys, in key
// order, which Unmarshal does not read. A result type gets its methods from them through a
// method-free copy of its type:
//
//	func (s Summary) MarshalJSON() ([]byte, error) {
//		type plain Summary
//		return jsonf.Marshal(plain(s))
//	}
//
//	func (s *Summary) UnmarshalJSON(b []byte) error {
//		type plain Summary
//		return jsonf.Unmarshal(b, (*plain)(s))
//	}
//
// Values whose types have their own MarshalJSON/UnmarshalJSON, and values
// that hold no floats, are left to encoding/json. A *mat.Dense or
// *mat.SymDense is written as an array of rows (nil as null, an empty one as
// []). A *float64 holding NaN reads back as nil (both are null); rgflow's
// results hold floats, not pointers to them.
package jsonf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Float is a float64 with rgflow's JSON encoding.
type Float float64

// MarshalJSON writes f as the package doc describes.
func (f Float) MarshalJSON() ([]byte, error) { return Append(nil, float64(f)), nil }

// UnmarshalJSON reads what MarshalJSON writes, and the string "NaN".
func (f *Float) UnmarshalJSON(b []byte) error {
	x, err := Parse(b)
	if err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Append appends the encoding of x to dst.
func Append(dst []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(dst, "null"...)
	case math.IsInf(x, 1):
		return append(dst, `"+Inf"`...)
	case math.IsInf(x, -1):
		return append(dst, `"-Inf"`...)
	}
	// As encoding/json: 'f' for 1e-6 ≤ |x| < 1e21, 'e' otherwise with a
	// one-digit exponent where it fits.
	format := byte('f')
	if abs := math.Abs(x); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, x, format, -1, 64)
	if format == 'e' {
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// Parse reads one encoded float: a JSON number, null (NaN), or one of the
// strings "+Inf", "-Inf" and "NaN".
func Parse(b []byte) (float64, error) {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return math.NaN(), nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, err
		}
		switch s {
		case "+Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		case "NaN":
			return math.NaN(), nil
		}
		return 0, fmt.Errorf("jsonf: %q is not a number (want a JSON number, null, \"+Inf\" or \"-Inf\")", s)
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return 0, err
	}
	return x, nil
}

var (
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	denseType       = reflect.TypeFor[*mat.Dense]()
	symDenseType    = reflect.TypeFor[*mat.SymDense]()
)

// Marshal returns the JSON encoding of v, with every float encoded as the
// package doc describes.
func Marshal(v any) ([]byte, error) {
	return appendValue(nil, reflect.ValueOf(v), true)
}

// Unmarshal reads into v, a non-nil pointer, what Marshal writes. As in
// encoding/json, fields absent from the input are left as they are.
func Unmarshal(b []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("jsonf: Unmarshal needs a non-nil pointer")
	}
	return decodeValue(b, rv.Elem(), true)
}

// delegated reports whether values of t are left to encoding/json: types
// with their own methods (except at the top, where the caller strips them)
// and types without floats.
func delegated(t reflect.Type, top bool, m reflect.Type) bool {
	if t == denseType || t == symDenseType {
		return false
	}
	if !top && (t.Implements(m) || reflect.PointerTo(t).Implements(m)) {
		return true
	}
	return !hasFloat(t, map[reflect.Type]bool{})
}

// hasFloat reports whether t holds a float that encoding/json would encode
// itself (not behind a type with its own MarshalJSON).
func hasFloat(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	if t == denseType || t == symDenseType {
		return true
	}
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) {
		return false
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return hasFloat(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() || f.Anonymous {
				if hasFloat(f.Type, seen) {
					return true
				}
			}
		}
	}
	return false
}

func appendValue(dst []byte, v reflect.Value, top bool) ([]byte, error) {
	if !v.IsValid() {
		return append(dst, "null"...), nil
	}
	t := v.Type()
	if delegated(t, top, marshalerType) {
		b, err := json.Marshal(v.Interface())
		return append(dst, b...), err
	}
	if t == denseType || t == symDenseType {
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		return appendMatrix(dst, v.Interface().(mat.Matrix)), nil
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return Append(dst, v.Float()), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		return appendValue(dst, v.Elem(), false)
	case reflect.Slice:
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		fallthrough
	case reflect.Array:
		dst = append(dst, '[')
		for i := range v.Len() {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendValue(dst, v.Index(i), false); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case reflect.Struct:
		dst = append(dst, '{')
		first := true
		err := appendFields(&dst, v, &first)
		return append(dst, '}'), err
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		if v.IsNil() {
			return append(dst, "null"...), nil
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendQuote(dst, k.String())
			dst = append(dst, ':')
			var err error
			if dst, err = appendValue(dst, v.MapIndex(k), false); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return dst, fmt.Errorf("jsonf: cannot encode %v holding floats", t)
}

func appendFields(dst *[]byte, v reflect.Value, first *bool) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, ok := field(f)
		if !ok {
			continue
		}
		fv := v.Field(i)
		if name == "" { // promoted embedded struct
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if err := appendFields(dst, fv, first); err != nil {
				return err
			}
			continue
		}
		if strings.Contains(opts, "omitempty") && isEmpty(fv) {
			continue
		}
		if !*first {
			*dst = append(*dst, ',')
		}
		*first = false
		*dst = strconv.AppendQuote(*dst, name)
		*dst = append(*dst, ':')
		var err error
		if *dst, err = appendValue(*dst, fv, false); err != nil {
			return err
		}
	}
	return nil
}

// field returns the JSON name and options of f; name is "" for an untagged
// embedded struct, whose fields are promoted, and ok is false for a field
// encoding/json skips.
func field(f reflect.StructField) (name, opts string, ok bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", "", false
	}
	name, opts, _ = strings.Cut(tag, ",")
	ft := f.Type
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
		return "", opts, true
	}
	if !f.IsExported() {
		return "", "", false
	}
	if name == "" {
		name = f.Name
	}
	return name, opts, true
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

func appendMatrix(dst []byte, m mat.Matrix) []byte {
	r, c := m.Dims()
	if d, ok := m.(*mat.Dense); ok && d.IsEmpty() {
		r, c = 0, 0
	}
	if s, ok := m.(*mat.SymDense); ok && s.IsEmpty() {
		r, c = 0, 0
	}
	dst = append(dst, '[')
	for i := range r {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '[')
		for j := range c {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, m.At(i, j))
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

func decodeValue(b []byte, v reflect.Value, top bool) error {
	t := v.Type()
	if delegated(t, top, unmarshalerType) {
		return json.Unmarshal(b, v.Addr().Interface())
	}
	null := string(bytes.TrimSpace(b)) == "null"
	if t == denseType || t == symDenseType {
		if null {
			v.SetZero()
			return nil
		}
		return decodeMatrix(b, v)
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		x, err := Parse(b)
		if err != nil {
			return err
		}
		v.SetFloat(x)
		return nil
	case reflect.Pointer:
		if null {
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return decodeValue(b, v.Elem(), false)
	case reflect.Slice, reflect.Array:
		if null {
			if t.Kind() == reflect.Slice {
				v.SetZero()
			}
			return nil
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(b, &elems); err != nil {
			return err
		}
		if t.Kind() == reflect.Slice {
			v.Set(reflect.MakeSlice(t, len(elems), len(elems)))
		} else if len(elems) != v.Len() {
			return fmt.Errorf("jsonf: %d elements for %v", len(elems), t)
		}
		for i, e := range elems {
			if err := decodeValue(e, v.Index(i), false); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		if null {
			return nil
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return err
		}
		return decodeFields(fields, v)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		if null {
			v.SetZero()
			return nil
		}
		var elems map[string]json.RawMessage
		if err := json.Unmarshal(b, &elems); err != nil {
			return err
		}
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(t, len(elems)))
		}
		for k, e := range elems {
			x := reflect.New(t.Elem()).Elem()
			if err := decodeValue(e, x, false); err != nil {
				return fmt.Errorf("jsonf: key %q: %w", k, err)
			}
			v.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), x)
		}
		return nil
	}
	return fmt.Errorf("jsonf: cannot decode %v holding floats", t)
}

func decodeFields(fields map[string]json.RawMessage, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, ok := field(f)
		if !ok {
			continue
		}
		fv := v.Field(i)
		if name == "" {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					fv.Set(reflect.New(fv.Type().Elem()))
				}
				fv = fv.Elem()
			}
			if err := decodeFields(fields, fv); err != nil {
				return err
			}
			continue
		}
		raw, ok := fields[name]
		if !ok { // encoding/json matches names case-insensitively too
			for k, r := range fields {
				if strings.EqualFold(k, name) {
					raw, ok = r, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		if err := decodeValue(raw, fv, false); err != nil {
			return fmt.Errorf("jsonf: field %s: %w", name, err)
		}
	}
	return nil
}

func decodeMatrix(b []byte, v reflect.Value) error {
	var rows [][]Float
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	r := len(rows)
	c := 0
	if r > 0 {
		c = len(rows[0])
	}
	data := make([]float64, 0, r*c)
	for i, row := range rows {
		if len(row) != c {
			return fmt.Errorf("jsonf: matrix row %d has %d columns, want %d", i, len(row), c)
		}
		for _, x := range row {
			data = append(data, float64(x))
		}
	}
	if v.Type() == denseType {
		d := &mat.Dense{}
		if r > 0 && c > 0 {
			d = mat.NewDense(r, c, data)
		}
		v.Set(reflect.ValueOf(d))
		return nil
	}
	if r != c {
		return fmt.Errorf("jsonf: symmetric matrix is %d×%d", r, c)
	}
	s := &mat.SymDense{}
	if r > 0 {
		s = mat.NewSymDense(r, data)
	}
	v.Set(reflect.ValueOf(s))
	return nil
}
