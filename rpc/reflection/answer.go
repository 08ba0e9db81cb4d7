package reflection

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/actorpc/actorpc/rpc/codes"
	v1pb "github.com/actorpc/actorpc/rpc/reflection/grpc_reflection_v1"
	"github.com/actorpc/actorpc/rpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// answer builds the response to one request. sent is the stream's record of
// files already sent; answer adds to it. An error ends the stream: it is
// returned only for a request that asks nothing.
func (s *server) answer(req *v1pb.ServerReflectionRequest, sent map[string]bool) (*v1pb.ServerReflectionResponse, error) {
	resp := &v1pb.ServerReflectionResponse{ValidHost: req.GetHost(), OriginalRequest: req}
	switch r := req.GetMessageRequest().(type) {
	case *v1pb.ServerReflectionRequest_FileByFilename:
		fd, err := s.fileByName(r.FileByFilename)
		answerWithFile(resp, fd, err, sent)
	case *v1pb.ServerReflectionRequest_FileContainingSymbol:
		fd, err := s.fileContainingSymbol(r.FileContainingSymbol)
		answerWithFile(resp, fd, err, sent)
	case *v1pb.ServerReflectionRequest_FileContainingExtension:
		fd, err := s.fileContainingExtension(r.FileContainingExtension.GetContainingType(), r.FileContainingExtension.GetExtensionNumber())
		answerWithFile(resp, fd, err, sent)
	case *v1pb.ServerReflectionRequest_AllExtensionNumbersOfType:
		numbers, err := s.extensionNumbers(r.AllExtensionNumbersOfType)
		if err != nil {
			resp.MessageResponse = errorResponse(codes.NotFound, err)
			break
		}
		resp.MessageResponse = &v1pb.ServerReflectionResponse_AllExtensionNumbersResponse{
			AllExtensionNumbersResponse: &v1pb.ExtensionNumberResponse{BaseTypeName: r.AllExtensionNumbersOfType, ExtensionNumber: numbers},
		}
	case *v1pb.ServerReflectionRequest_ListServices:
		resp.MessageResponse = &v1pb.ServerReflectionResponse_ListServicesResponse{
			ListServicesResponse: &v1pb.ListServiceResponse{Service: s.listServices()},
		}
	default:
		return nil, status.Error(codes.InvalidArgument, "reflection: the request sets none of file_by_filename, "+
			"file_containing_symbol, file_containing_extension, all_extension_numbers_of_type, list_services")
	}
	return resp, nil
}

// answerWithFile answers a request for a file: fd with the dependencies
// not yet sent on this stream, or NOT_FOUND if the lookup failed.
func answerWithFile(resp *v1pb.ServerReflectionResponse, fd protoreflect.FileDescriptor, lookupErr error, sent map[string]bool) {
	if lookupErr != nil {
		resp.MessageResponse = errorResponse(codes.NotFound, lookupErr)
		return
	}
	files, err := filesToSend(fd, sent)
	if err != nil {
		resp.MessageResponse = errorResponse(codes.NotFound, err)
		return
	}
	resp.MessageResponse = &v1pb.ServerReflectionResponse_FileDescriptorResponse{
		FileDescriptorResponse: &v1pb.FileDescriptorResponse{FileDescriptorProto: files},
	}
}

func errorResponse(code codes.Code, err error) *v1pb.ServerReflectionResponse_ErrorResponse {
	return &v1pb.ServerReflectionResponse_ErrorResponse{
		ErrorResponse: &v1pb.ErrorResponse{ErrorCode: int32(code), ErrorMessage: err.Error()},
	}
}

func (s *server) fileByName(name string) (protoreflect.FileDescriptor, error) {
	fd, err := s.files.FindFileByPath(name)
	if err != nil {
		return nil, lookupError(err, "file %q", name)
	}
	return fd, nil
}

// fileContainingSymbol finds the file declaring a service, method, message,
// field, oneof, enum, enum value or extension, nested or not, by its full
// name. A leading dot (the form .proto files use for absolute names) is
// accepted too.
func (s *server) fileContainingSymbol(symbol string) (protoreflect.FileDescriptor, error) {
	name := protoreflect.FullName(strings.TrimPrefix(symbol, "."))
	d, err := s.files.FindDescriptorByName(name)
	if err != nil {
		return nil, lookupError(err, "symbol %q", symbol)
	}
	return d.ParentFile(), nil
}

func (s *server) fileContainingExtension(message string, number int32) (protoreflect.FileDescriptor, error) {
	xt, err := s.extensions.FindExtensionByNumber(protoreflect.FullName(message), protoreflect.FieldNumber(number))
	if err != nil {
		return nil, lookupError(err, "extension %d of message %q", number, message)
	}
	return xt.TypeDescriptor().ParentFile(), nil
}

// extensionNumbers lists the numbers of message's known extensions, sorted.
// A message with none gets an empty list; a name that is no known message
// gets an error, so a typo is not mistaken for "no extensions".
func (s *server) extensionNumbers(message string) ([]int32, error) {
	name := protoreflect.FullName(message)
	var numbers []int32
	s.extensions.RangeExtensionsByMessage(name, func(xt protoreflect.ExtensionType) bool {
		numbers = append(numbers, int32(xt.TypeDescriptor().Number()))
		return true
	})
	slices.Sort(numbers)
	if len(numbers) > 0 {
		return numbers, nil
	}
	d, err := s.files.FindDescriptorByName(name)
	if err != nil {
		return nil, lookupError(err, "message type %q", message)
	}
	if _, ok := d.(protoreflect.MessageDescriptor); !ok {
		return nil, fmt.Errorf("%q is not a message type", message)
	}
	return numbers, nil
}

// listServices names the registered services, sorted, as the server tells
// them at the time of the request: the reflection services are among them.
func (s *server) listServices() []*v1pb.ServiceResponse {
	if s.services == nil {
		return nil
	}
	infos := s.services.GetServiceInfo()
	names := make([]string, 0, len(infos))
	for name := range infos {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]*v1pb.ServiceResponse, len(names))
	for i, name := range names {
		out[i] = &v1pb.ServiceResponse{Name: name}
	}
	return out
}

// lookupError says what was not found in words a person can act on, rather
// than protoregistry's bare "proto: not found".
func lookupError(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, protoregistry.NotFound) {
		return fmt.Errorf("%s not found", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}
