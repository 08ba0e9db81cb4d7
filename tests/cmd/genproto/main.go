// Command genproto regenerates Go code from .proto files the way protoc
// with protoc-gen-go and protoc-gen-go-actorpc would, without protoc: it
// compiles the files in-process (package tests/protoc) and runs both
// plugins, built from this repository, over them. Packages holding
// generated code name it in a go:generate line, for example:
//
//	//go:generate go run github.com/actorpc/actorpc/tests/cmd/genproto -I . --go_out=. --go_opt=paths=source_relative --go-actorpc_out=. --go-actorpc_opt=paths=source_relative echo.proto
//
// The flags are protoc's (see protoc.ParseArgs). The tests in tests/protoc
// rerun every such line and fail when a committed file differs.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/actorpc/actorpc/tests/protoc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	binDir, err := os.MkdirTemp("", "genproto-plugins-")
	if err != nil {
		return fmt.Errorf("genproto: %w", err)
	}
	defer os.RemoveAll(binDir)

	// Parse before building so a usage error is reported at once.
	req, err := protoc.ParseArgs(args, os.Stderr)
	if err != nil {
		return err
	}
	root, err := protoc.RepoRoot(".")
	if err != nil {
		return err
	}
	bins, err := protoc.BuildPlugins(ctx, root, binDir)
	if err != nil {
		return err
	}
	files, err := protoc.Generate(ctx, req, bins)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return fmt.Errorf("genproto: %w", err)
		}
		if err := os.WriteFile(f.Path, f.Content, 0o644); err != nil {
			return fmt.Errorf("genproto: %w", err)
		}
	}
	return nil
}
