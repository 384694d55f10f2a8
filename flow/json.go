package flow

import "github.com/rgflow/rgflow/internal/jsonf"

// The result types marshal to JSON with rgflow's one encoding of floats
// JSON cannot hold: NaN (a reading outside a thermometer's range) as null,
// ±Inf as the strings "+Inf" and "-Inf"; finite numbers as encoding/json
// writes them. Unmarshalling reads the same forms back, bit for bit.

// MarshalJSON encodes r with NaN as null and ±Inf as "+Inf"/"-Inf".
func (r Reading) MarshalJSON() ([]byte, error) {
	type plain Reading
	return jsonf.Marshal(plain(r))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (r *Reading) UnmarshalJSON(b []byte) error {
	type plain Reading
	return jsonf.Unmarshal(b, (*plain)(r))
}

// MarshalJSON encodes r with NaN as null and ±Inf as "+Inf"/"-Inf".
func (r Readout) MarshalJSON() ([]byte, error) {
	type plain Readout
	return jsonf.Marshal(plain(r))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (r *Readout) UnmarshalJSON(b []byte) error {
	type plain Readout
	return jsonf.Unmarshal(b, (*plain)(r))
}

// MarshalJSON encodes p with NaN as null and ±Inf as "+Inf"/"-Inf".
func (p FixedPoint) MarshalJSON() ([]byte, error) {
	type plain FixedPoint
	return jsonf.Marshal(plain(p))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (p *FixedPoint) UnmarshalJSON(b []byte) error {
	type plain FixedPoint
	return jsonf.Unmarshal(b, (*plain)(p))
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

// MarshalJSON encodes m with NaN as null and ±Inf as "+Inf"/"-Inf".
func (m Match) MarshalJSON() ([]byte, error) {
	type plain Match
	return jsonf.Marshal(plain(m))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (m *Match) UnmarshalJSON(b []byte) error {
	type plain Match
	return jsonf.Unmarshal(b, (*plain)(m))
}

// MarshalJSON encodes d with NaN as null and ±Inf as "+Inf"/"-Inf".
func (d Drift) MarshalJSON() ([]byte, error) {
	type plain Drift
	return jsonf.Marshal(plain(d))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (d *Drift) UnmarshalJSON(b []byte) error {
	type plain Drift
	return jsonf.Unmarshal(b, (*plain)(d))
}
