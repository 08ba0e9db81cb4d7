package serviceconfig

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// parseUint32 parses a proto3 JSON integer for a uint32 field. Like the
// protobuf JSON parsers it accepts exponent and fraction notation as long as
// the value is a whole number ("1e3", "4.0"), because JSON encoders in some
// languages write every number as a double.
func parseUint32(text string) (uint32, error) {
	if n, err := strconv.ParseUint(text, 10, 32); err == nil {
		return uint32(n), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, errors.New("must be a number")
	case math.IsNaN(f):
		return 0, errors.New("must be a whole number")
	case f < 0:
		return 0, errors.New("must not be negative")
	case f > math.MaxUint32: // includes +Inf from an overflowing literal
		return 0, fmt.Errorf("must be at most %d", uint32(math.MaxUint32))
	case f != math.Trunc(f):
		return 0, errors.New("must be a whole number")
	}
	return uint32(f), nil
}

// parseFinite parses a proto3 JSON floating-point value and rejects NaN and
// the infinities: no setting in the service config has a meaning for them.
func parseFinite(text string) (float64, error) {
	f, err := strconv.ParseFloat(text, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, errors.New("out of range")
	case err != nil:
		return 0, errors.New("must be a number")
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, errors.New("must be a finite number")
	}
	return f, nil
}
