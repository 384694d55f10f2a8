package plotutil

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func TestHeatMapPNG(t *testing.T) {
	t.Parallel()
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	g := Grid{m}
	if c, r := g.Dims(); c != 3 || r != 2 {
		t.Fatalf("Dims = %d, %d", c, r)
	}
	if g.Z(0, 1) != 1 || g.Z(2, 0) != 6 {
		t.Fatalf("Z orientation wrong: %v %v", g.Z(0, 1), g.Z(2, 0))
	}
	p := plot.New()
	p.Add(plotter.NewHeatMap(g, palette.Heat(16, 1)))
	path := filepath.Join(t.TempDir(), "h.png")
	if err := SavePNG(p, 3*vg.Inch, 2*vg.Inch, path); err != nil {
		t.Fatal(err)
	}
	if err := SaveTiles([][]*plot.Plot{{p, nil}}, 2*vg.Inch, 2*vg.Inch, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Dx(); got != 4*96 {
		t.Fatalf("width %d px, want %d", got, 4*96)
	}
}
