package ising

import "github.com/rgflow/rgflow/internal/jsonf"

// The result types marshal to JSON with rgflow's one encoding of floats
// JSON cannot hold: NaN as null and ±Inf as the strings "+Inf" and "-Inf";
// finite numbers as encoding/json writes them. Unmarshalling reads the same
// forms back, bit for bit. Correlation's matrices are
// written as arrays of rows (SS as null when it was not computed).

// MarshalJSON encodes s with NaN as null and ±Inf as "+Inf"/"-Inf".
func (s Summary) MarshalJSON() ([]byte, error) {
	type plain Summary
	return jsonf.Marshal(plain(s))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (s *Summary) UnmarshalJSON(b []byte) error {
	type plain Summary
	return jsonf.Unmarshal(b, (*plain)(s))
}

// MarshalJSON encodes c with NaN as null and ±Inf as "+Inf"/"-Inf".
func (c Correlation) MarshalJSON() ([]byte, error) {
	type plain Correlation
	return jsonf.Marshal(plain(c))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (c *Correlation) UnmarshalJSON(b []byte) error {
	type plain Correlation
	return jsonf.Unmarshal(b, (*plain)(c))
}

// MarshalJSON encodes e with NaN as null and ±Inf as "+Inf"/"-Inf".
func (e Enumeration) MarshalJSON() ([]byte, error) {
	type plain Enumeration
	return jsonf.Marshal(plain(e))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (e *Enumeration) UnmarshalJSON(b []byte) error {
	type plain Enumeration
	return jsonf.Unmarshal(b, (*plain)(e))
}

// MarshalJSON encodes t with NaN as null and ±Inf as "+Inf"/"-Inf".
func (t ExactValues) MarshalJSON() ([]byte, error) {
	type plain ExactValues
	return jsonf.Marshal(plain(t))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (t *ExactValues) UnmarshalJSON(b []byte) error {
	type plain ExactValues
	return jsonf.Unmarshal(b, (*plain)(t))
}

// MarshalJSON encodes p with NaN as null and ±Inf as "+Inf"/"-Inf".
func (p Pilot) MarshalJSON() ([]byte, error) {
	type plain Pilot
	return jsonf.Marshal(plain(p))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (p *Pilot) UnmarshalJSON(b []byte) error {
	type plain Pilot
	return jsonf.Unmarshal(b, (*plain)(p))
}

// MarshalJSON encodes in with NaN as null and ±Inf as "+Inf"/"-Inf".
func (in TempInfo) MarshalJSON() ([]byte, error) {
	type plain TempInfo
	return jsonf.Marshal(plain(in))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (in *TempInfo) UnmarshalJSON(b []byte) error {
	type plain TempInfo
	return jsonf.Unmarshal(b, (*plain)(in))
}
