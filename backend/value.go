package backend

import (
	"encoding/json"
	"math"
	"strconv"
)

// Value is a measured number that a source may not have been able to give.
// A missing value is rendered as "–" and encoded as JSON null: a made-up
// zero would read as "no errors" or "no latency" to the person on call.
type Value struct {
	V     float64
	Valid bool
}

// Some returns a valid Value. NaN and ±Inf (Prometheus returns them for
// empty histograms) are treated as missing.
func Some(v float64) Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Value{}
	}
	return Value{V: v, Valid: true}
}

// None is the missing value.
func None() Value { return Value{} }

// Or returns the value, or def when it is missing.
func (v Value) Or(def float64) float64 {
	if !v.Valid {
		return def
	}
	return v.V
}

// MarshalJSON encodes a missing value as null.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v.V, 'f', -1, 64), nil
}

// UnmarshalJSON accepts a number or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Value{}
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*v = Some(f)
	return nil
}
