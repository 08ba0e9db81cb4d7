package protoc

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/pluginpb"
)

// RunPlugin runs a plugin binary as protoc does: the serialized request
// on stdin, the serialized response read from stdout. A plugin that exits
// non-zero or reports an error in its response fails the run, with what
// it wrote to stderr.
func RunPlugin(ctx context.Context, binary string, req *pluginpb.CodeGeneratorRequest) (*pluginpb.CodeGeneratorResponse, error) {
	in, err := proto.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("protoc: encoding the request for %s: %w", binary, err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binary)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("protoc: plugin %s failed: %w: %s", binary, err, strings.TrimSpace(stderr.String()))
	}
	resp := &pluginpb.CodeGeneratorResponse{}
	if err := proto.Unmarshal(stdout.Bytes(), resp); err != nil {
		return nil, fmt.Errorf("protoc: plugin %s wrote a malformed response: %w", binary, err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("protoc: plugin %s: %s", binary, resp.GetError())
	}
	return resp, nil
}
