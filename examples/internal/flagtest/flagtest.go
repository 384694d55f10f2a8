// Package flagtest checks that an example refuses bad flags before any
// work: the table-driven bad-flags test every example runs.
package flagtest

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rgflow/rgflow/examples/internal/pipeline"
)

// Case is one bad command line: Args (without -out, which Run adds) and the
// flag the message must name (without the dash).
type Case struct {
	Args []string
	Flag string
}

// Parse is an example's parse function: it parses and validates args,
// writing messages and the usage to stderr.
type Parse func(args []string, stderr *bytes.Buffer) error

// Parser adapts an example's parse function to Parse.
func Parser[C any](parse func(args []string, stderr io.Writer) (C, error)) Parse {
	return func(args []string, stderr *bytes.Buffer) error {
		_, err := parse(args, stderr)
		return err
	}
}

// Run checks every case: parse fails with exit status 2, the message names
// the flag and comes with the usage, and the output directory is not
// created. It also checks that -h prints the usage with exit status 0 and
// that parse accepts the defaults.
func Run(t *testing.T, parse Parse, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		out := filepath.Join(t.TempDir(), "out")
		var stderr bytes.Buffer
		err := parse(append([]string{"-out", out}, tc.Args...), &stderr)
		name := strings.Join(tc.Args, " ")
		switch {
		case err == nil:
			t.Errorf("%s: accepted", name)
			continue
		case pipeline.ExitCode(err) != 2:
			t.Errorf("%s: exit status %d, want 2", name, pipeline.ExitCode(err))
		}
		if msg := stderr.String(); !strings.Contains(msg, "-"+tc.Flag) || !strings.Contains(msg, "Usage") {
			t.Errorf("%s: message does not name -%s or lacks the usage:\n%s", name, tc.Flag, msg)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: output directory created (%v)", name, err)
		}
	}
	var stderr bytes.Buffer
	if err := parse([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) || pipeline.ExitCode(err) != 0 ||
		!strings.Contains(stderr.String(), "-out") {
		t.Errorf("-h: %v, exit status %d, output:\n%s", err, pipeline.ExitCode(err), stderr.String())
	}
	if err := parse(nil, &stderr); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

// Bad is the Case of args that must be refused, naming flag.
func Bad(flag string, args ...string) Case { return Case{Args: args, Flag: flag} }

// Common is the bad-flags table of the flags pipeline.Common registers.
func Common(t *testing.T) []Case {
	missing := filepath.Join(t.TempDir(), "missing")
	return []Case{
		Bad("L", "-L", "0"), Bad("L", "-L", "0", "-n", "0"), Bad("L", "-L", "100000"),
		Bad("n", "-n", "0"), Bad("n", "-n", "-1"),
		Bad("data", "-data", missing),
		Bad("L", "-data", missing, "-L", "16"), Bad("n", "-n", "100", "-data", missing),
		Bad("arch", "-arch", "huge"),
		Bad("thermo-epochs", "-thermo-epochs", "0"),
		Bad("nh", "-nh", "0"), Bad("nh", "-nh", "-3"),
		Bad("epochs", "-epochs", "-1"), Bad("epochs", "-epochs", "0"),
		Bad("batch", "-batch", "-1"), Bad("batch", "-batch", "0"),
		Bad("lr", "-lr", "NaN"), Bad("lr", "-lr", "Inf"), Bad("lr", "-lr", "0"), Bad("lr", "-lr", "-1"),
		Bad("lr-end", "-lr-end", "-0.1"), Bad("lr-end", "-lr-end", "NaN"),
		Bad("momentum", "-momentum", "1.5"), Bad("momentum", "-momentum", "1"), Bad("momentum", "-momentum", "-0.1"),
		Bad("pcd", "-pcd", "-1"),
		Bad("checkpoint", "-checkpoint", "-1"),
		Bad("chains", "-chains", "0"),
		Bad("steps", "-steps", "0"),
		Bad("seed", "-seed", "-1"),
	}
}
