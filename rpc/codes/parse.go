package codes

// canonicalNames are the google.rpc.Code enum names (as used by grpcurl, the
// gRPC spec documents and JSON renderings of google.rpc.Status). Note the
// British spelling of CANCELLED, which differs from the Go name Canceled.
var canonicalNames = [numCodes]string{
	OK:                 "OK",
	Canceled:           "CANCELLED",
	Unknown:            "UNKNOWN",
	InvalidArgument:    "INVALID_ARGUMENT",
	DeadlineExceeded:   "DEADLINE_EXCEEDED",
	NotFound:           "NOT_FOUND",
	AlreadyExists:      "ALREADY_EXISTS",
	PermissionDenied:   "PERMISSION_DENIED",
	ResourceExhausted:  "RESOURCE_EXHAUSTED",
	FailedPrecondition: "FAILED_PRECONDITION",
	Aborted:            "ABORTED",
	OutOfRange:         "OUT_OF_RANGE",
	Unimplemented:      "UNIMPLEMENTED",
	Internal:           "INTERNAL",
	Unavailable:        "UNAVAILABLE",
	DataLoss:           "DATA_LOSS",
	Unauthenticated:    "UNAUTHENTICATED",
}

// ParseName maps a code name back to its Code, for CLIs and configuration
// files. It accepts exactly the names produced by Code.String (for example
// "DeadlineExceeded") and the canonical google.rpc.Code names (for example
// "DEADLINE_EXCEEDED"), since users copy both from documentation. Matching is
// case-sensitive so that a name round-trips unambiguously; the "Code(N)" form
// of undefined codes is not accepted.
func ParseName(s string) (Code, bool) {
	for c := Code(0); c < numCodes; c++ {
		if s == names[c] || s == canonicalNames[c] {
			return c, true
		}
	}
	return 0, false
}
