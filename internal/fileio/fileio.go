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
	"math"
	"os"
	"path/filepath"

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

// File is one file of WriteAtomicAll: its name in the directory and its
// contents.
type File struct {
	Name string
	Data []byte
}

// WriteAtomicAll writes files into dir as a set: each is first written in
// full to a temporary file in dir and synced, and only when all are on
// disk are they renamed into place, in order. A write that fails (a full
// disk, a bad directory) therefore changes nothing in dir; only a crash in
// the moment between the renames can leave some files new and the others
// old, which is why the last file should be a manifest that checks the
// others (as a dataset's meta.json does).
func WriteAtomicAll(dir string, files []File) (err error) {
	tmps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		t, err := os.CreateTemp(dir, "."+f.Name+".tmp-*")
		if err != nil {
			return err
		}
		tmps = append(tmps, t.Name())
		_, err = t.Write(f.Data)
		if err == nil {
			err = t.Sync()
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(t.Name(), 0o644)
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.Name)); err != nil {
			return err
		}
	}
	return nil
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

// NPZ is an .npz archive whose directory has been read and checked. Its
// entries are decompressed one at a time, when Read asks for them, so an
// entry that no decoder asks for is never expanded.
type NPZ struct {
	path    string
	entries map[string]*zip.File
}

// MaxDeflateRatio bounds the ratio of an entry's declared uncompressed size
// to its compressed size: deflate cannot expand data by more than 1032:1
// (a run of zeros), so an entry that declares more lies about its size.
const MaxDeflateRatio = 1032

// MaxMetaBytes is the largest metadata record Meta reads.
const MaxMetaBytes = 1 << 20

// ReadNPZ reads the directory of the .npz archive at path and checks it:
// every entry stored or deflated, no name twice, and no entry declaring more
// uncompressed bytes than its compressed bytes can hold (MaxDeflateRatio).
// The entries themselves are read, and their CRC-32 checked, by Read.
// Errors for malformed archives wrap ErrCorrupt.
func ReadNPZ(path string) (*NPZ, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a valid .npz archive: %v", ErrCorrupt, path, err)
	}
	a := &NPZ{path: path, entries: make(map[string]*zip.File, len(zr.File))}
	for _, zf := range zr.File {
		name := zf.Name
		if filepath.Ext(name) == ".npy" {
			name = name[:len(name)-len(".npy")]
		}
		if _, dup := a.entries[name]; dup {
			return nil, fmt.Errorf("%w: %s: entry %q twice", ErrCorrupt, path, zf.Name)
		}
		size, csize := zf.UncompressedSize64, zf.CompressedSize64
		switch {
		case zf.Method == zip.Store && size != csize:
			return nil, fmt.Errorf("%w: %s: stored entry %q declares %d bytes in %d", ErrCorrupt, path, zf.Name, size, csize)
		case zf.Method == zip.Deflate && (csize > uint64(len(raw)) || size/MaxDeflateRatio > csize):
			return nil, fmt.Errorf("%w: %s: entry %q declares %d bytes, more than its %d compressed bytes can hold", ErrCorrupt, path, zf.Name, size, csize)
		case zf.Method != zip.Store && zf.Method != zip.Deflate:
			return nil, fmt.Errorf("%w: %s: entry %q uses compression method %d", ErrCorrupt, path, zf.Name, zf.Method)
		case size > math.MaxInt64/2:
			return nil, fmt.Errorf("%w: %s: entry %q declares %d bytes", ErrCorrupt, path, zf.Name, size)
		}
		a.entries[name] = zf
	}
	return a, nil
}

// ErrMissing is returned (wrapped) when an archive lacks a required entry.
var ErrMissing = errors.New("fileio: missing entry")

// Has reports whether the archive holds the named entry.
func (a *NPZ) Has(name string) bool { _, ok := a.entries[name]; return ok }

// Names returns the names of the archive's entries (without ".npy").
func (a *NPZ) Names() []string {
	names := make([]string, 0, len(a.entries))
	for k := range a.entries {
		names = append(names, k)
	}
	return names
}

// Header reads only the .npy header of the named entry.
func (a *NPZ) Header(name string) (Header, error) {
	zf, ok := a.entries[name]
	if !ok {
		return Header{}, fmt.Errorf("%w %q in %s", ErrMissing, name, a.path)
	}
	rc, err := zf.Open()
	if err != nil {
		return Header{}, fmt.Errorf("%w: %s: entry %q: %v", ErrCorrupt, a.path, name, err)
	}
	defer rc.Close()
	h, err := ReadHeader(io.LimitReader(rc, int64(zf.UncompressedSize64)))
	if err != nil {
		return Header{}, fmt.Errorf("%s: entry %q: %w", a.path, name, err)
	}
	return h, nil
}

// Read decodes the named array into ptr, a pointer to a []float64 (type
// <f8 or >f8, any shape of at most two dimensions, flattened in C order), a
// []uint8 (type |u1), or a mat.Dense (type f8, two non-zero dimensions),
// and returns the array's shape. Arrays in Fortran order are transposed
// into C order. The header is read first, and nothing is allocated for the
// data unless the entry's uncompressed size is exactly the header plus the
// data it declares; the CRC-32 is checked at the end. Errors for malformed
// entries wrap ErrCorrupt.
func (a *NPZ) Read(name string, ptr any) (shape []int, err error) {
	zf, ok := a.entries[name]
	if !ok {
		return nil, fmt.Errorf("%w %q in %s", ErrMissing, name, a.path)
	}
	fail := func(err error) error { return fmt.Errorf("%s: entry %q: %w", a.path, name, err) }
	rc, err := zf.Open()
	if err != nil {
		return nil, fail(fmt.Errorf("%w: %v", ErrCorrupt, err))
	}
	defer rc.Close()
	size := int64(zf.UncompressedSize64)
	r := io.LimitReader(rc, size)
	h, err := ReadHeader(r)
	if err != nil {
		return nil, fail(err)
	}
	n, _, err := h.payloadBytes()
	if err != nil {
		return nil, fail(err)
	}
	if int64(h.Len)+n != size {
		return nil, fail(fmt.Errorf("%w: array of shape %v needs %d data bytes, the entry holds %d",
			ErrCorrupt, h.Shape, n, size-int64(h.Len)))
	}
	if err := decode(r, &h, ptr); err != nil {
		return nil, fail(err)
	}
	// Reading past the end makes archive/zip check the CRC-32.
	if k, err := rc.Read(make([]byte, 1)); k != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			err = errors.New("data beyond the declared size")
		}
		return nil, fail(fmt.Errorf("%w: %v", ErrCorrupt, err))
	}
	return append([]int(nil), h.Shape...), nil
}

// Meta decodes the JSON metadata record written by WriteNPZ into v. Unknown
// fields are rejected so that a file from an incompatible writer is noticed.
func (a *NPZ) Meta(v any) error {
	zf, ok := a.entries[MetaKey]
	if !ok {
		return fmt.Errorf("%w %q in %s", ErrMissing, MetaKey, a.path)
	}
	if zf.UncompressedSize64 > MaxMetaBytes {
		return fmt.Errorf("%w: %s: metadata record of %d bytes (at most %d)", ErrCorrupt, a.path, zf.UncompressedSize64, MaxMetaBytes)
	}
	var b []uint8
	if _, err := a.Read(MetaKey, &b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: metadata: %v", ErrCorrupt, a.path, err)
	}
	return nil
}
