package ising

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/rgflow/rgflow/internal/fileio"
	"github.com/rgflow/rgflow/internal/jsonf"
)

// File names and format version of a dataset directory.
const (
	ConfigsFile   = "configs.npy"
	TempsFile     = "temperatures.npy"
	MetaFile      = "meta.json"
	FormatVersion = 2
)

// Format history: version 1 had no checksum of meta.json itself; version 2
// adds meta_sha256, the SHA-256 of meta.json with that field's value
// replaced by 64 zeros. Load reads both.

// maxL bounds the lattice side in meta.json (L² cells per configuration).
const maxL = 1 << 14

// metaSumPlaceholder stands for the checksum while it is computed.
var metaSumPlaceholder = strings.Repeat("0", 64)

// ErrCorrupt is wrapped by the errors Load returns for files that do not
// match their recorded checksums, sizes or shapes, or whose meta.json
// contradicts itself.
var ErrCorrupt = errors.New("ising: corrupt dataset")

// datasetMeta is the content of meta.json. Temperatures are jsonFloats, so
// that T = +Inf can be stored.
type datasetMeta struct {
	Format    int         `json:"format"`
	L         int         `json:"L"`
	H         float64     `json:"h"`
	N         int         `json:"n"`
	Grid      []jsonFloat `json:"grid"`
	Counts    []int       `json:"counts"`
	Algorithm Algorithm   `json:"algorithm"`
	Flip      bool        `json:"z2_flip"`
	Seed      uint64      `json:"seed"`
	Info      []TempInfo  `json:"per_temperature"`
	Files     []fileSum   `json:"files"`
	// MetaSHA256 (format 2) is the SHA-256 of meta.json with this value
	// replaced by 64 zeros.
	MetaSHA256 string `json:"meta_sha256,omitempty"`
}

// jsonFloat is a float64 that JSON holds as a number when it is finite, as
// null when it is NaN and as the string "+Inf" or "-Inf" otherwise: rgflow's
// one encoding (package internal/jsonf), which also reads "NaN".
type jsonFloat = jsonf.Float

// check reports the first inconsistency of m that Load rejects, apart from
// the files: it returns "" if there is none.
func (m *datasetMeta) check() string {
	switch {
	case m.Format != 1 && m.Format != FormatVersion:
		return fmt.Sprintf("format version %d, want 1 or %d", m.Format, FormatVersion)
	case m.L < 2 || m.L > maxL:
		return fmt.Sprintf("lattice side %d not in [2, %d]", m.L, maxL)
	case math.IsNaN(m.H) || math.IsInf(m.H, 0):
		return fmt.Sprintf("field h = %v is not finite", m.H)
	case m.Flip && m.H != 0:
		// Written by a version that flipped at h ≠ 0: the configurations
		// are not samples at h.
		return fmt.Sprintf("random global spin flip recorded at h = %v ≠ 0", m.H)
	case m.N < 0 || len(m.Grid) == 0 || len(m.Counts) != len(m.Grid) || len(m.Info) != len(m.Grid):
		return fmt.Sprintf("%d rows, %d temperatures, %d counts and %d per-temperature records",
			m.N, len(m.Grid), len(m.Counts), len(m.Info))
	}
	if msg := m.checkGrid(); msg != "" {
		return msg
	}
	return m.checkCounts()
}

// checkGrid reports a grid temperature that is negative or NaN or not
// above the one before.
func (m *datasetMeta) checkGrid() string {
	for k, T := range m.Grid {
		switch {
		case !(T >= 0):
			return fmt.Sprintf("temperature %v is negative or NaN", float64(T))
		case k > 0 && !(T > m.Grid[k-1]):
			return fmt.Sprintf("temperature grid not strictly ascending at %v", float64(T))
		}
	}
	return ""
}

// checkCounts reports a per-temperature record for another temperature, a
// negative count and counts that do not sum to N.
func (m *datasetMeta) checkCounts() string {
	sum := 0
	for k, T := range m.Grid {
		switch {
		case m.Info[k].T != float64(T):
			return fmt.Sprintf("per-temperature record %d is for T = %v, the grid has %v", k, float64(m.Info[k].T), float64(T))
		case m.Counts[k] < 0:
			return fmt.Sprintf("negative count %d", m.Counts[k])
		}
		sum += m.Counts[k]
	}
	if sum != m.N {
		return fmt.Sprintf("counts %v sum to %d, not n = %d", m.Counts, sum, m.N)
	}
	return ""
}

type fileSum struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Save writes the dataset into dir (created if needed): configs.npy (uint8
// N×L², 0/1), temperatures.npy (float64 N) and meta.json (format version,
// L, h, grid, counts, algorithm, seed, per-temperature τ_int, burn-in and
// spacing, the size and SHA-256 of both arrays, and meta_sha256: the
// SHA-256 of meta.json itself with that value replaced by 64 zeros). In meta.json a temperature +Inf is
// the string "+Inf"; every other number is a JSON number.
//
// Save builds and checks all three files in memory before it writes any of
// them, so a dataset it refuses leaves dir as it was: it returns an error
// for a cell that is not 0 or 1 and for metadata Load would reject (a field
// h that is not finite, Flip set with h ≠ 0, a grid that is empty, not
// strictly ascending or has a negative or NaN temperature, Info not holding one record per grid
// temperature with Info[k].T = Grid[k], a row whose temperature is not
// Grid[Labels[r]]). All three are then written in full to temporary files
// and only then renamed into place, meta.json last (fileio.WriteAtomicAll):
// a Save that fails leaves the old dataset as it was and loadable, and a
// crash between the renames leaves a mix that Load refuses (checksums); the
// temporary files a killed Save leaves in dir are removed by the next Save
// into dir. Save panics with mat.ErrShape
// if Configs does not have L² columns or Temps and Labels do not have one
// entry per row.
func (d *Dataset) Save(dir string) error {
	n, c := d.Configs.Dims()
	if n == 0 {
		c = d.L * d.L // an empty *mat.Dense has no columns
	}
	if c != d.L*d.L || len(d.Temps) != n || len(d.Labels) != n {
		panic(mat.ErrShape)
	}
	meta, err := d.meta()
	if err != nil {
		return err
	}
	cfg, err := d.configsNPY()
	if err != nil {
		return err
	}
	var tmp bytes.Buffer
	if err := npy.Write(&tmp, d.Temps); err != nil {
		return err
	}
	files := []fileio.File{{Name: ConfigsFile, Data: cfg}, {Name: TempsFile, Data: tmp.Bytes()}}
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		meta.Files = append(meta.Files, fileSum{f.Name, int64(len(f.Data)), hex.EncodeToString(sum[:])})
	}
	b, err := meta.marshal()
	if err != nil {
		return err
	}
	files = append(files, fileio.File{Name: MetaFile, Data: b})
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	removeStaleTemps(dir)
	return fileio.WriteAtomicAll(dir, files)
}

// meta returns d's meta.json record without the files, after checking the
// labels against the temperatures and the record as Load will.
func (d *Dataset) meta() (*datasetMeta, error) {
	meta := &datasetMeta{Format: FormatVersion, L: d.L, H: d.H, N: len(d.Temps), Grid: make([]jsonFloat, len(d.Grid)),
		Counts: make([]int, len(d.Grid)), Algorithm: d.Algorithm, Flip: d.Flip, Seed: d.Seed,
		Info: d.Info}
	for k, T := range d.Grid {
		meta.Grid[k] = jsonFloat(T)
	}
	for r, k := range d.Labels {
		if k < 0 || k >= len(d.Grid) || d.Temps[r] != d.Grid[k] {
			return nil, fmt.Errorf("ising: not saved: row %d has label %d and temperature %v, grid %v", r, k, d.Temps[r], d.Grid)
		}
		meta.Counts[k]++
	}
	if msg := meta.check(); msg != "" {
		return nil, fmt.Errorf("ising: not saved: %s", msg)
	}
	return meta, nil
}

// configsNPY returns the configurations as a .npy file of uint8 cells; it
// returns an error for a cell that is not 0 or 1.
func (d *Dataset) configsNPY() ([]byte, error) {
	n, c := len(d.Temps), d.L*d.L
	cfg := npyUint8Header(n, c)
	h0 := len(cfg)
	cfg = slices.Grow(cfg, n*c)[:h0+n*c]
	for r := range n {
		for j, v := range d.Configs.RawRowView(r) {
			if v != 0 && v != 1 {
				return nil, fmt.Errorf("ising: not saved: row %d cell %d is %v, not 0 or 1", r, j, v)
			}
			cfg[h0+r*c+j] = uint8(v)
		}
	}
	return cfg, nil
}

// marshal returns meta.json's bytes with meta_sha256 set to their own
// SHA-256 (computed with the placeholder in its place).
func (m *datasetMeta) marshal() ([]byte, error) {
	m.MetaSHA256 = metaSumPlaceholder
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("ising: not saved: %v", err)
	}
	b = append(b, '\n')
	msum := sha256.Sum256(b)
	return bytes.Replace(b, []byte(`"`+metaSumPlaceholder+`"`), []byte(`"`+hex.EncodeToString(msum[:])+`"`), 1), nil
}

// removeStaleTemps removes the temporary files that an earlier Save into
// dir left behind when it was killed mid-write (fileio.WriteAtomic names
// them .<file>.tmp-<random>). Errors are ignored: a file that cannot be
// removed does no harm.
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		for _, name := range []string{ConfigsFile, TempsFile, MetaFile} {
			if strings.HasPrefix(e.Name(), "."+name+".tmp-") && !e.IsDir() {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// npyUint8Header returns the NumPy .npy (format version 1.0) header of an
// n×c uint8 array, padded so the data start 64-byte aligned. npy.Write
// would need a [][]uint8 and reflects over every element; the format is
// simple enough to write directly.
func npyUint8Header(n, c int) []byte {
	dict := fmt.Sprintf("{'descr': '|u1', 'fortran_order': False, 'shape': (%d, %d), }", n, c)
	const pre = 10 // magic (6) + version (2) + header length (2)
	pad := 64 - (pre+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	hl := len(dict) + pad + 1
	hdr := append([]byte("\x93NUMPY\x01\x00"), byte(hl), byte(hl>>8))
	hdr = append(hdr, dict...)
	hdr = append(hdr, bytes.Repeat([]byte{' '}, pad)...)
	return append(hdr, '\n')
}

// Load reads a dataset written by Save, of format version 1 or 2. It
// returns an error wrapping ErrCorrupt if meta.json does not match its own
// SHA-256 (format 2; format 1 had none), if it contradicts itself (a format
// version other than 1 or 2; L < 2 or L > 16384; a field h that is not finite; the random global
// spin flip recorded with h ≠ 0, whose configurations are not samples at h;
// a grid that is empty, not strictly ascending or has a negative or NaN
// temperature; a per-temperature record whose T differs from its grid
// temperature; counts that do not sum to the number of rows), if a file's
// size or SHA-256 differs from meta.json, if an array has the wrong type
// or shape, if a cell is not 0 or 1, or if a temperature is not on the
// grid or the counts per temperature differ. An array's .npy header is
// checked against the bytes present before anything is allocated for it;
// arrays in Fortran order (numpy.save(p, x.T)) are transposed.
func Load(dir string) (*Dataset, error) {
	meta, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	grid := make([]float64, len(meta.Grid))
	for k, T := range meta.Grid {
		grid[k] = float64(T)
	}
	raw, err := readDataFiles(dir, meta)
	if err != nil {
		return nil, err
	}
	d := &Dataset{L: meta.L, H: meta.H, Grid: grid, Info: meta.Info, Algorithm: meta.Algorithm, Flip: meta.Flip, Seed: meta.Seed}
	if meta.N == 0 {
		// npyio cannot read empty arrays; the checksums above already tie
		// both files to what Save wrote.
		if !slices.Equal(meta.Counts, make([]int, len(meta.Grid))) {
			return nil, corrupt(dir, "no rows but counts %v", meta.Counts)
		}
		d.Temps, d.Labels, d.Configs = []float64{}, []int{}, &mat.Dense{}
		return d, nil
	}
	cells, temps, err := decodeDataFiles(dir, meta, raw)
	if err != nil {
		return nil, err
	}
	d.Temps, d.Labels = temps, make([]int, meta.N)
	c := meta.L * meta.L
	data := make([]float64, len(cells))
	for i, v := range cells {
		if v > 1 {
			return nil, corrupt(dir, "%s: cell %d of row %d is %d, not 0 or 1", ConfigsFile, i%c, i/c, v)
		}
		data[i] = float64(v)
	}
	d.Configs = mat.NewDense(meta.N, c, data)
	if err := d.labelRows(dir, meta.Counts); err != nil {
		return nil, err
	}
	return d, nil
}

// corrupt returns the ErrCorrupt error Load returns for the dataset in dir.
func corrupt(dir, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrCorrupt, dir, fmt.Sprintf(format, a...))
}

// readMeta reads and checks dir's meta.json: its own checksum (format 2),
// its consistency and its list of files.
func readMeta(dir string) (*datasetMeta, error) {
	mb, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return nil, err
	}
	var meta datasetMeta
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, MetaFile, err)
	}
	switch {
	case meta.Format == 1 && meta.MetaSHA256 != "":
		return nil, corrupt(dir, "%s: format 1 has no meta_sha256", MetaFile)
	case meta.Format >= 2:
		if err := checkMetaSum(mb, meta.MetaSHA256); err != nil {
			return nil, corrupt(dir, "%s: %v", MetaFile, err)
		}
	}
	if msg := meta.check(); msg != "" {
		return nil, corrupt(dir, "%s: %s", MetaFile, msg)
	}
	if len(meta.Files) != 2 {
		return nil, corrupt(dir, "%s lists %d files, want 2", MetaFile, len(meta.Files))
	}
	return &meta, nil
}

// readDataFiles reads the files meta lists, checking their names, sizes
// and SHA-256 sums, and returns their bytes by name.
func readDataFiles(dir string, meta *datasetMeta) (map[string][]byte, error) {
	raw := make(map[string][]byte)
	for _, f := range meta.Files {
		if f.Name != ConfigsFile && f.Name != TempsFile {
			return nil, corrupt(dir, "unexpected file %q in %s", f.Name, MetaFile)
		}
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) != f.Bytes {
			return nil, corrupt(dir, "%s has %d bytes, %s records %d (truncated?)", f.Name, len(b), MetaFile, f.Bytes)
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != f.SHA256 {
			return nil, corrupt(dir, "%s does not match its SHA-256 in %s", f.Name, MetaFile)
		}
		raw[f.Name] = b
	}
	return raw, nil
}

// decodeDataFiles decodes the configurations (meta.N rows of L² cells) and
// the row temperatures from the raw files, checking their shapes.
func decodeDataFiles(dir string, meta *datasetMeta, raw map[string][]byte) (cells []uint8, temps []float64, err error) {
	c := meta.L * meta.L
	shape, err := readNPY(raw[ConfigsFile], &cells)
	if err != nil {
		return nil, nil, corrupt(dir, "%s: %v", ConfigsFile, err)
	}
	if len(shape) != 2 || shape[0] != meta.N || shape[1] != c || len(cells) != meta.N*c {
		return nil, nil, corrupt(dir, "%s has shape %v, want (%d, %d)", ConfigsFile, shape, meta.N, c)
	}
	shape, err = readNPY(raw[TempsFile], &temps)
	if err != nil {
		return nil, nil, corrupt(dir, "%s: %v", TempsFile, err)
	}
	if len(shape) != 1 || len(temps) != meta.N {
		return nil, nil, corrupt(dir, "%s has shape %v, want (%d,)", TempsFile, shape, meta.N)
	}
	return cells, temps, nil
}

// labelRows sets each row's label from its temperature and checks the
// counts per temperature against want, those meta.json records.
func (d *Dataset) labelRows(dir string, want []int) error {
	counts := make([]int, len(d.Grid))
	for r, T := range d.Temps {
		k, ok := slices.BinarySearch(d.Grid, T)
		if !ok {
			return corrupt(dir, "row %d has temperature %v, not on the grid", r, T)
		}
		d.Labels[r] = k
		counts[k]++
	}
	if !slices.Equal(counts, want) {
		return corrupt(dir, "counts per temperature %v, %s records %v", counts, MetaFile, want)
	}
	return nil
}

func readNPY(b []byte, ptr any) ([]int, error) { return fileio.DecodeNPY(b, ptr) }

// checkMetaSum reports whether mb, the bytes of meta.json, match sum, its
// meta_sha256: the SHA-256 of mb with sum replaced by 64 zeros.
func checkMetaSum(mb []byte, sum string) error {
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return fmt.Errorf("meta_sha256 %q is not a SHA-256", sum)
	}
	q := []byte(`"` + sum + `"`)
	if bytes.Count(mb, q) != 1 {
		return errors.New("meta_sha256 not found once")
	}
	s := sha256.Sum256(bytes.Replace(mb, q, []byte(`"`+metaSumPlaceholder+`"`), 1))
	if hex.EncodeToString(s[:]) != sum {
		return errors.New("does not match its own SHA-256 (meta_sha256): edited or corrupt")
	}
	return nil
}
