package jsonf_test

import (
	"encoding/json"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/jsonf"
	"github.com/rgflow/rgflow/internal/jsonf/jsonftest"
)

func TestFloatEncoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{math.NaN(), `null`},
		{math.Inf(1), `"+Inf"`},
		{math.Inf(-1), `"-Inf"`},
		{0, `0`},
		{math.Copysign(0, -1), `-0`},
		{1.5, `1.5`},
		{1e-7, `1e-7`},
		{1e21, `1e+21`},
		{123456789, `123456789`},
	} {
		b, err := json.Marshal(jsonf.Float(tc.x))
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.x, b, err, tc.want)
		}
		if !math.IsNaN(tc.x) && !math.IsInf(tc.x, 0) {
			if std, _ := json.Marshal(tc.x); string(std) != string(b) {
				t.Errorf("Marshal(%v) = %s; encoding/json writes %s", tc.x, b, std)
			}
		}
		var got jsonf.Float
		if err := json.Unmarshal(b, &got); err != nil || math.Float64bits(float64(got)) != math.Float64bits(tc.x) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", b, got, err, tc.x)
		}
	}
	var f jsonf.Float
	if err := json.Unmarshal([]byte(`"NaN"`), &f); err != nil || !math.IsNaN(float64(f)) {
		t.Errorf(`Unmarshal("NaN") = %v, %v; want NaN`, f, err)
	}
	for _, bad := range []string{`"inf"`, `"1.5"`, `true`, `{}`} {
		if err := json.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

type inner struct {
	X float64 `json:"x"`
}

func (v inner) MarshalJSON() ([]byte, error) {
	type plain inner
	return jsonf.Marshal(plain(v))
}

func (v *inner) UnmarshalJSON(b []byte) error {
	type plain inner
	return jsonf.Unmarshal(b, (*plain)(v))
}

type Embedded struct {
	E float64 `json:"e"`
}

type record struct {
	Embedded
	Name   string       `json:"name"`
	N      int          `json:"n,omitempty"`
	A      float64      `json:"a"`
	B      float64      // untagged: its Go name
	Skip   float64      `json:"-"`
	S      []float64    `json:"s"`
	Opt    []float64    `json:"opt,omitempty"`
	Pairs  [][2]float64 `json:"pairs"`
	Rows   [][]float64  `json:"rows"`
	In     inner        `json:"in"`
	Ins    []inner      `json:"ins"`
	P      *float64     `json:"p"`
	M      *mat.Dense   `json:"m"`
	Sym    *mat.SymDense
	NilM   *mat.Dense `json:"nil_m"`
	Ints   []int      `json:"ints"`
	hidden float64
}

func (r record) MarshalJSON() ([]byte, error) {
	type plain record
	return jsonf.Marshal(plain(r))
}

func (r *record) UnmarshalJSON(b []byte) error {
	type plain record
	return jsonf.Unmarshal(b, (*plain)(r))
}

func TestStructRoundTrip(t *testing.T) {
	t.Parallel()
	r := &record{
		Name: "x", N: 3, S: make([]float64, 2), Pairs: make([][2]float64, 2),
		Rows: [][]float64{{1}, {2, 3}}, Ins: make([]inner, 2),
		M: mat.NewDense(2, 3, nil), Sym: mat.NewSymDense(2, nil), Ints: []int{1, 2},
	}
	jsonftest.RoundTrip(t, r)

	// A *float64 holding a finite number or ±Inf round-trips; one holding
	// NaN reads back as nil, since both are null.
	for _, x := range []float64{0, math.Inf(1), math.Inf(-1), 2} {
		p := x
		b, err := json.Marshal(record{P: &p})
		if err != nil {
			t.Fatal(err)
		}
		var got record
		if err := json.Unmarshal(b, &got); err != nil || got.P == nil || math.Float64bits(*got.P) != math.Float64bits(x) {
			t.Errorf("P = %v: round trip through %s gives %v, %v", x, b, got.P, err)
		}
	}
}

func TestStructShape(t *testing.T) {
	t.Parallel()
	r := record{Embedded: Embedded{E: math.Inf(-1)}, A: math.NaN(), B: math.Inf(1), Skip: 1, S: []float64{0, math.NaN()},
		M: mat.NewDense(1, 2, []float64{1, math.Inf(1)}), Sym: &mat.SymDense{}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"e":"-Inf","name":"","a":null,"B":"+Inf","s":[0,null],"pairs":null,"rows":null,"in":{"x":0},"ins":null,"p":null,"m":[[1,"+Inf"]],"Sym":[],"nil_m":null,"ints":null}`
	if string(b) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", b, want)
	}
	// encoding/json writes the same bytes for the same value when all its
	// floats are finite and it holds no matrices.
	fin := record{Embedded: Embedded{E: 2}, Name: "n", A: 1, B: -0.5, S: []float64{1e-9}, In: inner{3}}
	got, err := json.Marshal(fin)
	if err != nil {
		t.Fatal(err)
	}
	type std record // no methods
	s := std(fin)
	s.M, s.Sym, s.NilM = nil, nil, nil
	wantStd, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(wantStd) {
		t.Errorf("Marshal =\n%s\nencoding/json writes\n%s", got, wantStd)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		`{"a":"x"}`,
		`{"m":[[1,2],[3]]}`,
		`{"Sym":[[1,2]]}`,
		`{"pairs":[[1,2,3]]}`,
		`[1]`,
	} {
		var r record
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("Unmarshal(%s) accepted: %+v", bad, r)
		}
	}
	if err := jsonf.Unmarshal([]byte(`{}`), record{}); err == nil {
		t.Error("Unmarshal into a non-pointer accepted")
	}
}

// TestMapRoundTrip: maps with string keys holding floats (±Inf, NaN among
// them) and structs with floats read back what Marshal wrote.
func TestMapRoundTrip(t *testing.T) {
	t.Parallel()
	type val struct{ X float64 }
	in := map[string]float64{"a": 1.5, "inf": math.Inf(1), "ninf": math.Inf(-1)}
	b, err := jsonf.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]float64
	if err := jsonf.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%s read back as %v", b, out)
	}
	for k, x := range in {
		if math.Float64bits(out[k]) != math.Float64bits(x) {
			t.Errorf("%s: %v read back as %v (%s)", k, x, out[k], b)
		}
	}
	in2 := map[string]val{"p": {math.Inf(1)}, "q": {2}}
	b, err = jsonf.Marshal(in2)
	if err != nil {
		t.Fatal(err)
	}
	var out2 map[string]val
	if err := jsonf.Unmarshal(b, &out2); err != nil || out2["p"].X != math.Inf(1) || out2["q"].X != 2 {
		t.Errorf("%s read back as %v, %v", b, out2, err)
	}
	var bad map[int]float64
	if err := jsonf.Unmarshal([]byte(`{"1": 2}`), &bad); err == nil {
		t.Error("a map with int keys holding floats was decoded")
	}
}
