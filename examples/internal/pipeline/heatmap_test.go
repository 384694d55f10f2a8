package pipeline

import (
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
)

// TestMatrixOrientation draws an asymmetric matrix, M[i][j] = 10i + j, and
// checks that the tick label at the height of every drawn cell names the
// row drawn there, and the label under it the column: the picture reads
// like the printed matrix with correct labels (the y labels of an earlier
// version were inverted).
func TestMatrixOrientation(t *testing.T) {
	t.Parallel()
	const rows, cols = 3, 4
	m := mat.NewDense(rows, cols, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m.Set(i, j, float64(10*i+j))
		}
	}
	g := MatrixGrid{m}
	yt := RowTicks{rows}.Ticks(-0.5, rows-0.5)
	xt := ColTicks{cols}.Ticks(-0.5, cols-0.5)
	labelAt := func(ts []struct {
		v float64
		l string
	}, v float64) string {
		for _, tk := range ts {
			if tk.v == v {
				return tk.l
			}
		}
		return "none"
	}
	conv := func(in []plot.Tick) []struct {
		v float64
		l string
	} {
		var out []struct {
			v float64
			l string
		}
		for _, tk := range in {
			out = append(out, struct {
				v float64
				l string
			}{tk.Value, tk.Label})
		}
		return out
	}
	ys, xs := conv(yt), conv(xt)
	c, r := g.Dims()
	for gc := 0; gc < c; gc++ {
		for gr := 0; gr < r; gr++ {
			z := int(g.Z(gc, gr))
			if got, want := labelAt(ys, g.Y(gr)), strconv.Itoa(z/10); got != want {
				t.Errorf("cell (%d, %d) draws M[%d][%d] at y = %v labelled row %s", gc, gr, z/10, z%10, g.Y(gr), got)
			}
			if got, want := labelAt(xs, g.X(gc)), strconv.Itoa(z%10); got != want {
				t.Errorf("cell (%d, %d) draws M[%d][%d] at x = %v labelled column %s", gc, gr, z/10, z%10, g.X(gc), got)
			}
		}
	}
	// Row 0 is on top: the drawn cell at the largest y is row 0.
	if z := g.Z(0, r-1); z != 0 {
		t.Errorf("top-left cell draws %v, want M[0][0] = 0", z)
	}
	// In the PNG, the one hot element M[0][0] is drawn in the top left.
	hot := mat.NewDense(8, 8, nil)
	hot.Set(0, 0, 1)
	path := filepath.Join(t.TempDir(), "hot.png")
	if err := HeatMapFigure(path, "hot", "column", "row", "value", hot); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The reddest pixel of the heat map area (left of the colour bar).
	b := img.Bounds()
	bx, by, best := 0, 0, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Min.X+int(float64(b.Dx())*(1-barFrac)); x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if v := int(cr) - int(cg) - int(cb); v > best {
				best, bx, by = v, x, y
			}
		}
	}
	if bx > b.Dx()/2 || by > b.Dy()/2 {
		t.Errorf("M[0][0] drawn at pixel (%d, %d) of %v: not in the top left", bx, by, b)
	}
}

func TestHeatTileHasColorBar(t *testing.T) {
	t.Parallel()
	tl := MatrixTile("m", "x", "y", "value", mat.NewDense(2, 3, []float64{-1, 0, 1, 2, 3, 4}), true)
	if tl.Bar == nil || tl.P == nil {
		t.Fatal("heat tile without colour bar")
	}
}

func TestLegendUnique(t *testing.T) {
	t.Parallel()
	err := PanelsFigure(filepath.Join(t.TempDir(), "l.png"), []Panel{{Title: "p", Curves: []Curve{
		{Name: "a", X: []float64{0, 1}, Y: []float64{0, 1}},
		{Name: "a", X: []float64{0, 1}, Y: []float64{1, 0}},
	}}}, 1)
	if err == nil {
		t.Fatal("duplicate legend entries accepted")
	}
}
