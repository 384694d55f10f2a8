// Package plotutil holds the small adapters the example programs share for
// gonum/plot figures: atomic PNG output and a matrix heat-map grid.
package plotutil

import (
	"io"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/rgflow/rgflow/internal/fileio"
)

// SavePNG atomically writes p as a PNG image of the given size.
func SavePNG(p *plot.Plot, w, h vg.Length, path string) error {
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))}
	p.Draw(draw.New(c))
	return fileio.WriteAtomic(path, func(out io.Writer) error {
		_, err := c.WriteTo(out)
		return err
	})
}

// SaveTiles atomically writes a rows×cols grid of plots as one PNG image,
// each tile tw×th. Nil entries leave their tile blank.
func SaveTiles(ps [][]*plot.Plot, tw, th vg.Length, path string) error {
	rows := len(ps)
	cols := 0
	for _, r := range ps {
		cols = max(cols, len(r))
	}
	img := vgimg.NewWith(vgimg.UseWH(tw*vg.Length(cols), th*vg.Length(rows)), vgimg.UseDPI(96))
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols}
	for i, r := range ps {
		for j, p := range r {
			if p != nil {
				p.Draw(t.At(dc, j, i))
			}
		}
	}
	c := vgimg.PngCanvas{Canvas: img}
	return fileio.WriteAtomic(path, func(out io.Writer) error {
		_, err := c.WriteTo(out)
		return err
	})
}

// Grid adapts a matrix to plotter.GridXYZ: column c is x = c, row r is
// y = rows−1−r, so the picture reads like the printed matrix (row 0 on top).
type Grid struct{ M mat.Matrix }

// Dims returns the matrix shape as (columns, rows).
func (g Grid) Dims() (c, r int) { r, c = g.M.Dims(); return c, r }

// Z returns the matrix element shown at grid cell (c, r).
func (g Grid) Z(c, r int) float64 { n, _ := g.M.Dims(); return g.M.At(n-1-r, c) }

// X returns the x coordinate of column c.
func (g Grid) X(c int) float64 { return float64(c) }

// Y returns the y coordinate of row r.
func (g Grid) Y(r int) float64 { return float64(r) }
