package rbm

import "github.com/rgflow/rgflow/internal/jsonf"

// The result types marshal to JSON with rgflow's one encoding of floats
// JSON cannot hold: NaN as null and ±Inf as the strings "+Inf" and "-Inf";
// finite numbers as encoding/json writes them. Unmarshalling reads the same
// forms back, bit for bit. A monitor that was not computed
// (NaN) is null.

// MarshalJSON encodes m with NaN as null and ±Inf as "+Inf"/"-Inf".
func (m Monitors) MarshalJSON() ([]byte, error) {
	type plain Monitors
	return jsonf.Marshal(plain(m))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (m *Monitors) UnmarshalJSON(b []byte) error {
	type plain Monitors
	return jsonf.Unmarshal(b, (*plain)(m))
}

// MarshalJSON encodes s with NaN as null and ±Inf as "+Inf"/"-Inf".
func (s Stats) MarshalJSON() ([]byte, error) {
	type plain Stats
	return jsonf.Marshal(plain(s))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (s *Stats) UnmarshalJSON(b []byte) error {
	type plain Stats
	return jsonf.Unmarshal(b, (*plain)(s))
}

// MarshalJSON encodes h with NaN as null and ±Inf as "+Inf"/"-Inf".
func (h Histogram) MarshalJSON() ([]byte, error) {
	type plain Histogram
	return jsonf.Marshal(plain(h))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	type plain Histogram
	return jsonf.Unmarshal(b, (*plain)(h))
}
