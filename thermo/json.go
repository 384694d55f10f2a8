package thermo

import "github.com/rgflow/rgflow/internal/jsonf"

// The result types marshal to JSON with rgflow's one encoding of floats
// JSON cannot hold: NaN as null and ±Inf as the strings "+Inf" and "-Inf";
// finite numbers as encoding/json writes them. Unmarshalling reads the same
// forms back, bit for bit. EpochStats' validation numbers
// without validation (NaN) are null; a class without configurations reads
// null.

// MarshalJSON encodes c with NaN as null and ±Inf as "+Inf"/"-Inf".
func (c Calibration) MarshalJSON() ([]byte, error) {
	type plain Calibration
	return jsonf.Marshal(plain(c))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (c *Calibration) UnmarshalJSON(b []byte) error {
	type plain Calibration
	return jsonf.Unmarshal(b, (*plain)(c))
}

// MarshalJSON encodes c with NaN as null and ±Inf as "+Inf"/"-Inf".
func (c ClassCalibration) MarshalJSON() ([]byte, error) {
	type plain ClassCalibration
	return jsonf.Marshal(plain(c))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (c *ClassCalibration) UnmarshalJSON(b []byte) error {
	type plain ClassCalibration
	return jsonf.Unmarshal(b, (*plain)(c))
}

// MarshalJSON encodes e with NaN as null and ±Inf as "+Inf"/"-Inf".
func (e EpochStats) MarshalJSON() ([]byte, error) {
	type plain EpochStats
	return jsonf.Marshal(plain(e))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (e *EpochStats) UnmarshalJSON(b []byte) error {
	type plain EpochStats
	return jsonf.Unmarshal(b, (*plain)(e))
}

// MarshalJSON encodes r with NaN as null and ±Inf as "+Inf"/"-Inf".
func (r TrainResult) MarshalJSON() ([]byte, error) {
	type plain TrainResult
	return jsonf.Marshal(plain(r))
}

// UnmarshalJSON reads what MarshalJSON writes; null becomes NaN.
func (r *TrainResult) UnmarshalJSON(b []byte) error {
	type plain TrainResult
	return jsonf.Unmarshal(b, (*plain)(r))
}
