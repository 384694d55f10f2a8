// Package jsonftest checks that result types round-trip through
// encoding/json with rgflow's float encoding (package jsonf): it fills every
// float of a value, marshals, unmarshals and compares bit for bit.
package jsonftest

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Values are the floats every field is set to in turn: the ones JSON cannot
// hold, both zeros, and ordinary numbers of several magnitudes.
var Values = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1, -2.5, 1e-300, 6.02e23, math.Pi}

var (
	denseType    = reflect.TypeFor[*mat.Dense]()
	symDenseType = reflect.TypeFor[*mat.SymDense]()
)

// Fill sets every float reachable from v (a pointer) to x, in fields,
// slices, arrays, pointed-to values and matrices; nil slices and pointers
// are left nil, so the caller chooses the shape, and fields tagged json:"-"
// are left alone.
func Fill(v any, x float64) {
	fill(reflect.ValueOf(v).Elem(), x)
}

func fill(v reflect.Value, x float64) {
	switch t := v.Type(); {
	case t == denseType:
		if !v.IsNil() {
			d := v.Interface().(*mat.Dense)
			r, c := d.Dims()
			for i := range r {
				for j := range c {
					d.Set(i, j, x)
				}
			}
		}
		return
	case t == symDenseType:
		if !v.IsNil() {
			s := v.Interface().(*mat.SymDense)
			n := s.SymmetricDim()
			for i := range n {
				for j := i; j < n; j++ {
					s.SetSym(i, j, x)
				}
			}
		}
		return
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		v.SetFloat(x)
	case reflect.Pointer:
		if !v.IsNil() {
			fill(v.Elem(), x)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), x)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				fill(v.Field(i), x)
			}
		}
	}
}

// Same reports whether a and b are identical, floats compared by their bits
// (so NaN equals NaN and 0 differs from −0), matrices by shape and elements;
// fields tagged json:"-" are not compared.
func Same(a, b any) bool { return same(reflect.ValueOf(a), reflect.ValueOf(b)) }

func same(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	if t := a.Type(); t == denseType || t == symDenseType {
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		ma, mb := a.Interface().(mat.Matrix), b.Interface().(mat.Matrix)
		ra, ca := dims(ma)
		rb, cb := dims(mb)
		if ra != rb || ca != cb {
			return false
		}
		for i := range ra {
			for j := range ca {
				if math.Float64bits(ma.At(i, j)) != math.Float64bits(mb.At(i, j)) {
					return false
				}
			}
		}
		return true
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() {
			return false
		}
		fallthrough
	case reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() && f.Tag.Get("json") != "-" && !same(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func dims(m mat.Matrix) (r, c int) {
	switch d := m.(type) {
	case *mat.Dense:
		if d.IsEmpty() {
			return 0, 0
		}
	case *mat.SymDense:
		if d.IsEmpty() {
			return 0, 0
		}
	}
	return m.Dims()
}

// RoundTrip fills every float of each value (pointers to the result types,
// with their slices and matrices already sized) with each of Values in
// turn, marshals it with encoding/json, unmarshals into a fresh value of the
// same type and fails t unless the two are the same. Each value is a
// sub-test named by its type.
func RoundTrip(t *testing.T, values ...any) {
	t.Helper()
	for _, v := range values {
		name := reflect.TypeOf(v).Elem().Name()
		t.Run(name, func(t *testing.T) {
			for _, x := range Values {
				Fill(v, x)
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("x = %v: Marshal: %v", x, err)
				}
				got := reflect.New(reflect.TypeOf(v).Elem())
				if err := json.Unmarshal(b, got.Interface()); err != nil {
					t.Fatalf("x = %v: Unmarshal(%s): %v", x, b, err)
				}
				if !Same(v, got.Interface()) {
					t.Errorf("x = %v: round trip through %s gives %+v, want %+v", x, b, got.Elem().Interface(), reflect.ValueOf(v).Elem().Interface())
				}
			}
		})
	}
}
