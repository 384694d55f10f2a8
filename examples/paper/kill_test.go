package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// TestMain lets the test binary run the program itself (for the kill
// test), so that the subprocess is exactly this package's main.
func TestMain(m *testing.M) {
	if os.Getenv("RGFLOW_PAPER_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// killArgs is a small run whose RBM stage lasts long enough (thousands of
// tiny epochs, a checkpoint every 100) to be killed in the middle of it.
var killArgs = []string{"-L", "6", "-n", "8", "-nh", "9", "-epochs", "3000", "-checkpoint", "100",
	"-thermo-epochs", "20", "-chains", "20", "-steps", "3"}

// start runs the program with args and returns it with a scanner over its
// stderr (the progress lines).
func start(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RGFLOW_PAPER_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(stderr)
}

// runToEnd runs the program to its end and returns its progress output.
func runToEnd(t *testing.T, args ...string) string {
	t.Helper()
	cmd, sc := start(t, args...)
	var log strings.Builder
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, log.String())
	}
	return log.String()
}

// killAt runs the program and SIGKILLs it as soon as it prints a line
// containing marker; it reports whether the kill came before the end.
func killAt(t *testing.T, marker string, args ...string) (killed bool, log string) {
	t.Helper()
	cmd, sc := start(t, args...)
	var b strings.Builder
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), marker) {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	for sc.Scan() { // drain the pipe so that Wait returns
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true, b.String()
		}
	}
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, b.String())
	}
	return false, b.String()
}

// files returns every file under dir (relative names) with its contents,
// summary.json without its wall times and report.md without its timing
// lines.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch rel {
		case "summary.json":
			b = withoutTimes(t, b)
		case "report.md":
			// Drop the wall-time section (its heading to the next one).
			var keep []string
			skip := false
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "## ") {
					skip = strings.HasPrefix(l, "## Wall time")
				}
				if !skip {
					keep = append(keep, l)
				}
			}
			b = []byte(strings.Join(keep, "\n"))
		}
		out[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d (%v)", what, len(got), len(want), names)
	}
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: %s differs%s", what, n, firstDiff(got[n], want[n]))
		}
	}
}

// TestKillResume is issue 10's kill test. An earlier run's outputs (seed 2)
// sit in the output directory. A run with seed 1 is SIGKILLed during the
// thermometer, twice during the RBM's training, after it and during the
// flows, each time resumed with -resume; after every kill the earlier
// outputs must be untouched, and the final outputs must equal those of an
// uninterrupted seed-1 run byte for byte (the wall times aside), with no
// staging directory or temporary file left.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program eight times")
	}
	root := t.TempDir()
	want := filepath.Join(root, "want")
	runToEnd(t, append([]string{"-out", want, "-seed", "1"}, killArgs...)...)
	out := filepath.Join(root, "out")
	runToEnd(t, append([]string{"-out", out, "-seed", "2"}, killArgs...)...)
	old := files(t, out)
	wantFiles := files(t, want)

	args := append([]string{"-out", out, "-seed", "1"}, killArgs...)
	kills := []string{"thermometer epoch 10", "RBM epoch 500/", "RBM epoch 2000/", "stage rbm", "stage flows"}
	resumed, thermoResumed := 0, 0
	for i, marker := range kills {
		a := args
		if i > 0 {
			a = append([]string{"-resume"}, args...)
		}
		killed, log := killAt(t, marker, a...)
		if !killed {
			t.Logf("kill at %q: the run ended first", marker)
			break
		}
		if strings.Contains(log, "RBM: resuming from the checkpoint") {
			resumed++
		}
		if strings.Contains(log, "thermometer: resuming from the checkpoint") {
			thermoResumed++
		}
		sameFiles(t, fmt.Sprintf("after the kill at %q, the earlier outputs", marker), files(t, out), old)
	}
	log := runToEnd(t, append([]string{"-resume"}, args...)...)
	if strings.Contains(log, "RBM: resuming from the checkpoint") {
		resumed++
	}
	if resumed < 2 || thermoResumed < 1 {
		t.Errorf("the RBM resumed from a checkpoint %d times (want at least 2), the thermometer %d times (want 1)", resumed, thermoResumed)
	}
	sameFiles(t, "the resumed run", files(t, out), wantFiles)
	for _, stray := range []string{out + ".partial", out + ".old"} {
		if _, err := os.Stat(stray); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind (%v)", stray, err)
		}
	}
}

// firstDiff describes the first line where text files a and b differ.
func firstDiff(a, b string) string {
	if strings.HasSuffix(a, ".npz") || !utf8.ValidString(a) {
		return ""
	}
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < min(len(la), len(lb)); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf(" at line %d:\n got %s\nwant %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf(": %d lines, want %d", len(la), len(lb))
}
