package codes

// Code is a gRPC status code. Its numeric value is what is sent on the wire
// in the grpc-status trailer, so the constants below must never be renumbered.
type Code uint32

const (
	// OK is returned on success.
	OK Code = 0

	// Canceled indicates the operation was canceled, typically by the caller.
	Canceled Code = 1

	// Unknown is used for errors that carry no status of their own, and for
	// status values from another address space that this process does not
	// understand.
	Unknown Code = 2

	// InvalidArgument indicates the client specified an invalid argument,
	// independent of the state of the system.
	InvalidArgument Code = 3

	// DeadlineExceeded means the operation expired before completion. The
	// operation may still have completed on the server.
	DeadlineExceeded Code = 4

	// NotFound means some requested entity was not found.
	NotFound Code = 5

	// AlreadyExists means an attempt to create an entity failed because one
	// already exists.
	AlreadyExists Code = 6

	// PermissionDenied indicates the caller does not have permission to
	// execute the operation. It must not be used when the caller cannot be
	// identified (use Unauthenticated instead).
	PermissionDenied Code = 7

	// ResourceExhausted indicates some resource has been exhausted, such as
	// a per-user quota or message size limit.
	ResourceExhausted Code = 8

	// FailedPrecondition indicates the operation was rejected because the
	// system is not in a state required for its execution.
	FailedPrecondition Code = 9

	// Aborted indicates the operation was aborted, typically due to a
	// concurrency issue such as a transaction abort.
	Aborted Code = 10

	// OutOfRange means the operation was attempted past the valid range.
	OutOfRange Code = 11

	// Unimplemented indicates the operation is not implemented or not
	// supported by this service.
	Unimplemented Code = 12

	// Internal means some invariant expected by the underlying system has
	// been broken.
	Internal Code = 13

	// Unavailable indicates the service is currently unavailable. It is most
	// likely a transient condition that can be corrected by retrying.
	Unavailable Code = 14

	// DataLoss indicates unrecoverable data loss or corruption.
	DataLoss Code = 15

	// Unauthenticated indicates the request does not have valid
	// authentication credentials for the operation.
	Unauthenticated Code = 16
)

// numCodes is one past the largest defined code; values at or above it are
// valid on the wire but have no name.
const numCodes = 17
