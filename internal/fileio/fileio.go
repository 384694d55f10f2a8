// Package fileio holds the file helpers shared by rgflow's packages: atomic
// writes (temporary file, fsync, rename) and NumPy .npz archives with a small
// JSON metadata record.
//
// A crash or error while writing never leaves a partial file at the target
// path: either the old file (if any) is still there, or the complete new one.
package fileio

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// WriteAtomic writes the file at path through write. The data goes to a
// temporary file in the same directory, which is synced and renamed over path
// only if write and every file operation succeed; otherwise the temporary file
// is removed and path is left untouched.
func WriteAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Entry is one named array of an .npz archive. Value is anything npyio can
// write: a slice of a numeric type, or a gonum matrix.
type Entry struct {
	Name  string
	Value any
}

// MetaKey is the archive key under which WriteNPZ stores the JSON metadata
// record, as a uint8 array: in NumPy, json.loads(bytes(f["meta"])).
const MetaKey = "meta"

// WriteNPZ atomically writes an .npz archive (zip, deflate-compressed
// entries, as numpy.savez_compressed writes) holding the entries
// in order and, if meta is not nil, its JSON encoding under MetaKey.
// numpy.load opens the result.
func WriteNPZ(path string, meta any, entries ...Entry) error {
	if meta != nil {
		b, err := json.Marshal(meta)
		if err != nil {
			return fmt.Errorf("fileio: encoding metadata: %w", err)
		}
		entries = append([]Entry{{Name: MetaKey, Value: b}}, entries...)
	}
	return WriteAtomic(path, func(w io.Writer) error {
		zw := npz.NewWriter(w)
		for _, e := range entries {
			if err := zw.Write(e.Name+".npy", e.Value); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

// NPZ is an .npz archive read fully into memory. Every entry's CRC-32 was
// verified while reading, so corrupt or truncated archives are rejected by
// ReadNPZ rather than when an array is decoded.
type NPZ struct {
	path    string
	entries map[string][]byte
}

// ReadNPZ reads and verifies the .npz archive at path.
func ReadNPZ(path string) (*NPZ, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("fileio: %s is not a valid .npz archive: %w", path, err)
	}
	a := &NPZ{path: path, entries: make(map[string][]byte, len(zr.File))}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("fileio: %s: entry %q: %w", path, zf.Name, err)
		}
		b, err := io.ReadAll(rc) // archive/zip checks the CRC-32 at EOF
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("fileio: %s: entry %q is corrupt: %w", path, zf.Name, err)
		}
		name := zf.Name
		if filepath.Ext(name) == ".npy" {
			name = name[:len(name)-len(".npy")]
		}
		a.entries[name] = b
	}
	return a, nil
}

// ErrMissing is returned (wrapped) when an archive lacks a required entry.
var ErrMissing = errors.New("fileio: missing entry")

// Has reports whether the archive holds the named entry.
func (a *NPZ) Has(name string) bool { _, ok := a.entries[name]; return ok }

// Read decodes the named array into ptr (a pointer to a slice or to a
// *mat.Dense), as npyio.Read does. It also returns the array's shape.
func (a *NPZ) Read(name string, ptr any) (shape []int, err error) {
	b, ok := a.entries[name]
	if !ok {
		return nil, fmt.Errorf("%w %q in %s", ErrMissing, name, a.path)
	}
	r, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("fileio: %s: entry %q: %w", a.path, name, err)
	}
	if err := r.Read(ptr); err != nil {
		return nil, fmt.Errorf("fileio: %s: entry %q: %w", a.path, name, err)
	}
	return append([]int(nil), r.Header.Descr.Shape...), nil
}

// Meta decodes the JSON metadata record written by WriteNPZ into v. Unknown
// fields are rejected so that a file from an incompatible writer is noticed.
func (a *NPZ) Meta(v any) error {
	var b []uint8
	if _, err := a.Read(MetaKey, &b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("fileio: %s: metadata: %w", a.path, err)
	}
	return nil
}
