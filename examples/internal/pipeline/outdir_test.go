package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func absent(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists (%v)", path, err)
	}
}

// TestStagedCommit: the outputs appear only at Commit, replace the old
// ones as a whole, and the checkpoints, the temporary files and the
// staging directory go.
func TestStagedCommit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	writeFile(t, filepath.Join(out, "a"), "old a")
	writeFile(t, filepath.Join(out, "stale"), "only in the old run")
	st, err := OpenOut(out, false)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, st.Path("a"), "new a")
	writeFile(t, st.Checkpoint("rbm.ckpt"), "checkpoint")
	writeFile(t, st.Path(".b.tmp-123"), "half a write")
	if got := readFile(t, filepath.Join(out, "a")); got != "old a" {
		t.Fatalf("before Commit, out/a = %q", got)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(out, "a")); got != "new a" {
		t.Fatalf("after Commit, out/a = %q", got)
	}
	for _, p := range []string{filepath.Join(out, "stale"), filepath.Join(out, CheckpointDir),
		filepath.Join(out, ".b.tmp-123"), filepath.Join(out, CompleteFile), out + ".partial", out + ".old"} {
		absent(t, p)
	}
}

// TestStagedResume: without -resume a partial run is discarded, with it
// kept, minus the temporary files of a killed write.
func TestStagedResume(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	partial := out + ".partial"
	writeFile(t, filepath.Join(partial, CheckpointDir, "rbm.ckpt"), "epoch 7")
	writeFile(t, filepath.Join(partial, CheckpointDir, ".rbm.ckpt.tmp-9"), "half")
	st, err := OpenOut(out, true)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Resumed || readFile(t, st.Checkpoint("rbm.ckpt")) != "epoch 7" {
		t.Fatalf("resume lost the checkpoint (resumed %v)", st.Resumed)
	}
	absent(t, filepath.Join(partial, CheckpointDir, ".rbm.ckpt.tmp-9"))
	if st, err = OpenOut(out, false); err != nil || st.Resumed {
		t.Fatalf("fresh run: %v, resumed %v", err, st.Resumed)
	}
	absent(t, partial)
	absent(t, out)
}

// TestStagedInterruptedSwap: a run killed between the two renames of
// Commit leaves no output directory; the next OpenOut finishes the swap if
// the staging directory was complete and restores the old outputs if not.
func TestStagedInterruptedSwap(t *testing.T) {
	for _, complete := range []bool{true, false} {
		out := filepath.Join(t.TempDir(), "out")
		writeFile(t, filepath.Join(out+".old", "a"), "old a")
		writeFile(t, filepath.Join(out+".partial", "a"), "new a")
		if complete {
			writeFile(t, filepath.Join(out+".partial", CompleteFile), "")
		}
		if _, err := OpenOut(out, true); err != nil {
			t.Fatal(err)
		}
		want := "old a"
		if complete {
			want = "new a"
		}
		if got := readFile(t, filepath.Join(out, "a")); got != want {
			t.Errorf("complete=%v: out/a = %q, want %q", complete, got, want)
		}
		absent(t, out+".old")
		absent(t, filepath.Join(out, CompleteFile))
	}
	// The swap done, only the old outputs' removal missing.
	out := filepath.Join(t.TempDir(), "out")
	writeFile(t, filepath.Join(out, "a"), "new a")
	writeFile(t, filepath.Join(out+".old", "a"), "old a")
	if _, err := OpenOut(out, false); err != nil {
		t.Fatal(err)
	}
	absent(t, out+".old")
	if got := readFile(t, filepath.Join(out, "a")); got != "new a" {
		t.Errorf("out/a = %q", got)
	}
}

// TestStagedExpect: -resume refuses to continue a run made with other
// settings, and accepts the same ones.
func TestStagedExpect(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	type cfg struct{ Epochs int }
	st, err := OpenOut(out, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Expect(cfg{10}); err != nil {
		t.Fatal(err)
	}
	if err := st.Begin(); err != nil {
		t.Fatal(err)
	}
	st, err = OpenOut(out, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Expect(cfg{20}); err == nil {
		t.Error("resuming with other settings accepted")
	} else {
		t.Log(err)
	}
	if err := st.Expect(cfg{10}); err != nil {
		t.Errorf("resuming with the same settings: %v", err)
	}
}
