package serviceconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// maxThrottleTokens is the largest maxTokens accepted, the limit grpc-go
// enforces too, so a config valid for one is valid for the other: the
// bucket bounds how long a failing server keeps getting retries, and more
// than 1000 failures' worth would make it meaningless.
const maxThrottleTokens = 1000

// parseThrottling reads retryThrottling.
func parseThrottling(root object) (*Throttling, error) {
	obj, ok, err := root.object("retryThrottling")
	if err != nil || !ok {
		return nil, err
	}
	maxTokens, ok, err := obj.uint32("maxTokens")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%s: is required: the size of the token bucket, from 1 to %d", obj.at("maxTokens"), maxThrottleTokens)
	case maxTokens == 0 || maxTokens > maxThrottleTokens:
		return nil, fmt.Errorf("%s: must be from 1 to %d, got %d", obj.at("maxTokens"), maxThrottleTokens, maxTokens)
	}
	ratio, ok, err := obj.float("tokenRatio")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("%s: is required: the tokens a success gives back, such as 0.1", obj.at("tokenRatio"))
	case ratio <= 0:
		return nil, fmt.Errorf("%s: must be greater than zero, got %v", obj.at("tokenRatio"), ratio)
	}
	truncated := truncateMillis(ratio)
	if truncated == 0 {
		return nil, fmt.Errorf("%s: must be at least 0.001 (only 3 decimal places are kept), got %v", obj.at("tokenRatio"), ratio)
	}
	return &Throttling{MaxTokens: int(maxTokens), TokenRatio: truncated}, nil
}

// truncateMillis drops the decimal places after the third, as A6 ("up to 3
// decimal places are supported") and gRPC C core do. It works on the
// shortest decimal form of f so that 0.29 stays 0.29 instead of becoming
// 0.289 through binary rounding.
func truncateMillis(f float64) float64 {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > 3 {
		s = whole + "." + frac[:3]
	}
	t, _ := strconv.ParseFloat(s, 64) // s is a plain decimal from FormatFloat
	return t
}
