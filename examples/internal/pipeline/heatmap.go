package pipeline

import (
	"io"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/rgflow/rgflow/internal/fileio"
)

// Tile is one panel of a figure: a plot and, for a heat map, the colour bar
// drawn at its right.
type Tile struct {
	P   *plot.Plot
	Bar *plot.Plot
}

// barFrac is the fraction of a heat-map tile's width its colour bar takes.
const barFrac = 0.2

// SaveFigure atomically writes a grid of tiles, each tw×th, as one PNG.
// Nil plots leave their tile blank.
func SaveFigure(path string, rows [][]Tile, tw, th vg.Length) error {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	img := vgimg.NewWith(vgimg.UseWH(tw*vg.Length(cols), th*vg.Length(len(rows))), vgimg.UseDPI(96))
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(rows), Cols: cols}
	for i, r := range rows {
		for j, tl := range r {
			c := t.At(dc, j, i)
			if tl.P == nil {
				if tl.Bar != nil { // a colour bar alone, in a narrow strip
					w := c.Max.X - c.Min.X
					tl.Bar.Draw(draw.Crop(c, 0, -0.6*w, 0, 0))
				}
				continue
			}
			if tl.Bar == nil {
				tl.P.Draw(c)
				continue
			}
			w := c.Max.X - c.Min.X
			tl.P.Draw(draw.Crop(c, 0, -barFrac*w, 0, 0))
			tl.Bar.Draw(draw.Crop(c, (1-barFrac)*w, 0, 0, 0))
		}
	}
	pc := vgimg.PngCanvas{Canvas: img}
	return fileio.WriteAtomic(path, func(out io.Writer) error {
		_, err := pc.WriteTo(out)
		return err
	})
}

// HeatTile returns a heat map of g with its colour bar, labelled barLabel.
// If symmetric, the colour scale is centred on 0 (for signed data such as
// weights and couplings: white is 0). A grid without finite values, or
// whose values are all equal, gets a scale of ±1 around its value.
func HeatTile(title, xlabel, ylabel, barLabel string, g plotter.GridXYZ, symmetric bool) Tile {
	lo, hi := math.Inf(1), math.Inf(-1)
	c, r := g.Dims()
	for i := 0; i < c; i++ {
		for j := 0; j < r; j++ {
			if z := g.Z(i, j); !math.IsNaN(z) && !math.IsInf(z, 0) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if lo > hi {
		lo, hi = -1, 1
	}
	if symmetric {
		a := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -a, a
	}
	return HeatTileRange(title, xlabel, ylabel, barLabel, g, lo, hi)
}

// HeatTileRange is HeatTile on the fixed colour scale [lo, hi] (values
// beyond it get the end colours), so that several tiles share one scale.
func HeatTileRange(title, xlabel, ylabel, barLabel string, g plotter.GridXYZ, lo, hi float64) Tile {
	cm := moreland.SmoothBlueRed()
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	h := plotter.NewHeatMap(g, cm.Palette(64))
	h.Min, h.Max = lo, hi
	h.Underflow, h.Overflow = cm.Palette(64).Colors()[0], cm.Palette(64).Colors()[63]
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = label(title), label(xlabel), label(ylabel)
	p.Add(h)
	bar := plot.New()
	bar.HideX()
	bar.Y.Label.Text = label(barLabel)
	bar.Title.Text = " " // align the bar's top with the heat map's
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	return Tile{P: p, Bar: bar}
}

// MatrixGrid adapts a matrix to plotter.GridXYZ so that the picture reads
// like the printed matrix: column j at x = j, row i at y = rows−1−i (row 0
// on top). RowTicks labels the y axis with the row indices.
type MatrixGrid struct{ M mat.Matrix }

// Dims returns the matrix shape as (columns, rows).
func (g MatrixGrid) Dims() (c, r int) { r, c = g.M.Dims(); return c, r }

// Z returns the element drawn at grid cell (c, r): row rows−1−r, column c.
func (g MatrixGrid) Z(c, r int) float64 { n, _ := g.M.Dims(); return g.M.At(n-1-r, c) }

// X returns the x coordinate of column c.
func (g MatrixGrid) X(c int) float64 { return float64(c) }

// Y returns the y coordinate of grid row r.
func (g MatrixGrid) Y(r int) float64 { return float64(r) }

// RowTicks labels the y axis of a MatrixGrid heat map with the index of
// the matrix row drawn at each height (row 0 at the top).
type RowTicks struct{ Rows int }

// Ticks returns ticks at the rows multiple of a round step, labelled with
// the row index drawn there.
func (t RowTicks) Ticks(min, max float64) []plot.Tick {
	return indexTicks(t.Rows, min, max, func(y int) int { return t.Rows - 1 - y })
}

// ColTicks labels the x axis with the column index at whole positions.
type ColTicks struct{ Cols int }

// Ticks returns ticks at columns multiple of a round step.
func (t ColTicks) Ticks(min, max float64) []plot.Tick {
	return indexTicks(t.Cols, min, max, func(x int) int { return x })
}

func indexTicks(n int, min, max float64, index func(pos int) int) []plot.Tick {
	step := 1
	for dec := 1; n/step > 10; dec *= 10 {
		for _, s := range []int{1, 2, 5} {
			if step = s * dec; n/step <= 10 {
				break
			}
		}
	}
	var ts []plot.Tick
	for k := 0; k < n; k++ {
		pos := k
		if idx := index(pos); idx%step == 0 && float64(pos) >= min-0.5 && float64(pos) <= max+0.5 {
			ts = append(ts, plot.Tick{Value: float64(pos), Label: strconv.Itoa(idx)})
		}
	}
	return ts
}

// MatrixTileRange is MatrixTile on the fixed colour scale [lo, hi].
func MatrixTileRange(title, xlabel, ylabel, barLabel string, m mat.Matrix, lo, hi float64) Tile {
	t := HeatTileRange(title, xlabel, ylabel, barLabel, MatrixGrid{m}, lo, hi)
	r, c := m.Dims()
	t.P.Y.Tick.Marker = RowTicks{r}
	t.P.X.Tick.Marker = ColTicks{c}
	return t
}

// MatrixTile is a heat map of m as printed (row 0 on top) with row and
// column tick labels and a colour bar.
func MatrixTile(title, xlabel, ylabel, barLabel string, m mat.Matrix, symmetric bool) Tile {
	t := HeatTile(title, xlabel, ylabel, barLabel, MatrixGrid{m}, symmetric)
	r, c := m.Dims()
	t.P.Y.Tick.Marker = RowTicks{r}
	t.P.X.Tick.Marker = ColTicks{c}
	return t
}
