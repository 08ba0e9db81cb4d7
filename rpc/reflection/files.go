package reflection

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// filesToSend serializes fd, then those of its transitive imports that sent
// does not hold, breadth first, and records them all in sent. fd itself is
// always sent, even again: the client asked for it. A client builds
// descriptors from the files of every response on the stream, so each
// dependency needs to go only once.
//
// Imports the resolver does not have (placeholders) are left out, as they
// cannot be described; a placeholder fd is an unknown file.
func filesToSend(fd protoreflect.FileDescriptor, sent map[string]bool) ([][]byte, error) {
	if fd.IsPlaceholder() {
		return nil, fmt.Errorf("file %q not found", fd.Path())
	}
	var out [][]byte
	visited := map[string]bool{} // imports form a DAG; a diamond is walked once
	queue := []protoreflect.FileDescriptor{fd}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		if f.IsPlaceholder() || visited[f.Path()] {
			continue
		}
		visited[f.Path()] = true
		if f == fd || !sent[f.Path()] {
			b, err := proto.Marshal(protodesc.ToFileDescriptorProto(f))
			if err != nil {
				return nil, fmt.Errorf("serializing %q: %w", f.Path(), err)
			}
			out = append(out, b)
			sent[f.Path()] = true
		}
		imports := f.Imports()
		for i := range imports.Len() {
			queue = append(queue, imports.Get(i).FileDescriptor)
		}
	}
	return out, nil
}
