package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rgflow/rgflow/internal/fileio"
	"github.com/rgflow/rgflow/internal/jsonf"
)

// Staged is an example's output directory while the run is in progress.
// Every file goes into Dir, a sibling of the final directory named
// "<out>.partial"; Commit swaps it into place. A run's outputs are thus
// all old or all new: a run that dies (or fails) leaves the previous
// outputs untouched, and its own partial outputs and checkpoints in Dir,
// where a run with -resume continues them.
//
// The swap is two renames, out → "<out>.old" and Dir → out, after a
// marker file (CompleteFile) is written into Dir. A run that dies between
// the renames leaves no out; the next OpenOut finishes the swap if the
// marker is there and otherwise restores "<out>.old".
type Staged struct {
	Final string // the output directory the user named
	Dir   string // where this run writes: Final + ".partial"
	// Resumed reports whether Dir held an earlier run's files that this
	// run continues.
	Resumed bool
	config  []byte // the run's settings (Expect), written by Begin
}

// ConfigFile, in the checkpoint directory, records the settings of the run
// that the checkpoints belong to.
const ConfigFile = "config.json"

// Expect records the run's settings cfg (JSON-encoded). When resuming it
// returns an error if the interrupted run had other settings: its
// checkpoints would continue a different run.
func (s *Staged) Expect(cfg any) error {
	b, err := jsonf.Marshal(cfg)
	if err != nil {
		return err
	}
	s.config = b
	if !s.Resumed {
		return nil
	}
	old, err := os.ReadFile(s.Checkpoint(ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !bytes.Equal(old, b) {
		return fmt.Errorf("-resume: the interrupted run in %s had other settings (%s), this one has %s; rerun with those, or without -resume to start afresh", s.Dir, old, b)
	}
	return nil
}

// Begin creates the staging and checkpoint directories and records the
// settings given to Expect; call it once the run's inputs are checked.
func (s *Staged) Begin() error {
	if err := os.MkdirAll(filepath.Join(s.Dir, CheckpointDir), 0o755); err != nil {
		return err
	}
	if s.config == nil {
		return nil
	}
	return fileio.WriteAtomic(s.Checkpoint(ConfigFile), func(w io.Writer) error {
		_, err := w.Write(s.config)
		return err
	})
}

// CompleteFile marks a staging directory whose run finished writing.
const CompleteFile = ".complete"

// CheckpointDir is the subdirectory of the staging directory that holds
// training checkpoints; Commit removes it.
const CheckpointDir = "checkpoints"

// OpenOut prepares the staging directory of out. Without resume any
// earlier partial run is discarded; with resume it is kept (and stray
// temporary files of a killed write are removed). It creates no
// directory: the run makes Dir when it first writes (after its inputs are
// checked), so a run refused early leaves nothing behind.
func OpenOut(out string, resume bool) (*Staged, error) {
	out = filepath.Clean(out)
	s := &Staged{Final: out, Dir: out + ".partial"}
	if err := s.recover(); err != nil {
		return nil, err
	}
	if !resume {
		if err := os.RemoveAll(s.Dir); err != nil {
			return nil, err
		}
	} else if st, err := os.Stat(s.Dir); err == nil && st.IsDir() {
		s.Resumed = true
		if err := removeTemps(s.Dir); err != nil {
			return nil, err
		}
		// A partial run that already wrote its marker is complete; rewriting
		// its files gives the same bits, so start the commit afresh.
		os.Remove(filepath.Join(s.Dir, CompleteFile))
	}
	return s, nil
}

// Path returns the path of name inside the staging directory.
func (s *Staged) Path(name string) string { return filepath.Join(s.Dir, name) }

// Checkpoint returns the path of the checkpoint file name (in a
// subdirectory of Dir that the writer creates).
func (s *Staged) Checkpoint(name string) string {
	return filepath.Join(s.Dir, CheckpointDir, name)
}

// Commit removes the checkpoints and moves the staging directory into
// place, replacing the previous outputs as a whole.
func (s *Staged) Commit() error {
	if err := os.RemoveAll(filepath.Join(s.Dir, CheckpointDir)); err != nil {
		return err
	}
	if err := removeTemps(s.Dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.Dir, CompleteFile), nil, 0o644); err != nil {
		return err
	}
	if err := syncDir(s.Dir); err != nil {
		return err
	}
	old := s.Final + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if _, err := os.Stat(s.Final); err == nil {
		if err := os.Rename(s.Final, old); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.finish()
}

// finish is the second half of the swap: Dir becomes Final, the marker
// goes and the old outputs are removed.
func (s *Staged) finish() error {
	if err := os.Rename(s.Dir, s.Final); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.Final, CompleteFile)); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(s.Final)); err != nil {
		return err
	}
	return os.RemoveAll(s.Final + ".old")
}

// recover completes or undoes a swap that a killed run left half done:
// Final is missing and "<Final>.old" exists.
func (s *Staged) recover() error {
	old := s.Final + ".old"
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	if _, err := os.Stat(s.Final); err == nil {
		// The swap finished; only the removal of the old outputs did not.
		return os.RemoveAll(old)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, CompleteFile)); err == nil {
		return s.finish()
	}
	if err := os.Rename(old, s.Final); err != nil {
		return fmt.Errorf("restoring the previous outputs from %s: %w", old, err)
	}
	return nil
}

// removeTemps removes the temporary files (".<name>.tmp-*", see
// internal/fileio.WriteAtomic) that a killed write left in dir and its
// subdirectories.
func removeTemps(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), ".tmp-") {
			return os.Remove(path)
		}
		return nil
	})
}

// syncDir flushes a directory's entries (the renames into it) to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
