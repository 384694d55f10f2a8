// Package pipeline composes rgflow's packages for the example programs:
// shared figures, result files and progress output. Only examples import it.
package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rgflow/rgflow/internal/fileio"
	"github.com/rgflow/rgflow/internal/jsonf"
)

// WriteJSON atomically writes v as indented JSON in rgflow's one encoding
// of floats (internal/jsonf: NaN as null, ±Inf as "+Inf"/"-Inf"), the
// encoding of the library's own result types.
func WriteJSON(path string, v any) error {
	b, err := jsonf.Marshal(v)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(out.Bytes())
		return err
	})
}

// Progress prints timestamped progress lines to W (os.Stderr if nil).
type Progress struct {
	W     io.Writer
	start time.Time
	// Stages holds the wall time of each stage timed with Done, in order.
	Stages []Stage
}

// Stage is the wall time of one stage of a run.
type Stage struct {
	Name    string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

// Done records and prints the wall time of the stage name begun at since.
func (p *Progress) Done(name string, since time.Time) {
	d := time.Since(since).Seconds()
	p.Stages = append(p.Stages, Stage{Name: name, Seconds: d})
	p.Printf("stage %s: %.2f s", name, d)
}

// Printf prints one progress line prefixed by the elapsed time.
func (p *Progress) Printf(format string, args ...any) {
	if p.start.IsZero() {
		p.start = time.Now()
	}
	w := p.W
	if w == nil {
		w = os.Stderr
	}
	fmt.Fprintf(w, "[%6.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}
