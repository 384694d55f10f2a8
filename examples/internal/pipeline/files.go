// Package pipeline composes rgflow's packages for the example programs:
// shared figures, result files and progress output. Only examples import it.
package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"time"

	"github.com/rgflow/rgflow/internal/fileio"
)

// WriteJSON atomically writes v as indented JSON, with NaN and infinite
// numbers (which JSON cannot represent) written as null.
func WriteJSON(path string, v any) error {
	safe := jsonSafe(reflect.ValueOf(v))
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(safe)
	})
}

// Progress prints timestamped progress lines to W (os.Stderr if nil).
type Progress struct {
	W     io.Writer
	start time.Time
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
