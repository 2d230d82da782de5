package main

import (
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/vg/vgimg" // png
	_ "gonum.org/v1/plot/vg/vgpdf" // pdf
	_ "gonum.org/v1/plot/vg/vgsvg" // svg

	"github.com/baton-go/baton/bench/suite"
)

// plotFormats are the extensions --plot accepts.
var plotFormats = []string{"svg", "png", "pdf"}

// plotFormat returns the format of a plot file, from its extension.
func plotFormat(path string) string {
	return strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
}

func checkPlotFormat(path string) error {
	if path == "" || slices.Contains(plotFormats, plotFormat(path)) {
		return nil
	}
	return fmt.Errorf("--plot %s: the file must end in .svg, .png or .pdf", path)
}

// Sizes of one panel of the plot.
const (
	panelWidth  = 6 * vg.Inch
	panelHeight = 3.5 * vg.Inch
	panelCols   = 2
)

// writePlot draws one panel per kind, with a group of bars per case (the
// median ns/msg of each implementation, whiskers from min to max), and
// writes it to path through a temporary file.
func writePlot(path string, r *suite.Results) error {
	rows := suite.Summarize(r)
	var kinds []string
	for _, row := range rows {
		if !slices.Contains(kinds, row.Kind) {
			kinds = append(kinds, row.Kind)
		}
	}
	var all []string // every implementation, so each keeps one color
	for _, row := range rows {
		for _, im := range row.Impls {
			if !slices.Contains(all, im.Name) {
				all = append(all, im.Name)
			}
		}
	}
	var grid [][]*plot.Plot
	for i, k := range kinds {
		if i%panelCols == 0 {
			grid = append(grid, make([]*plot.Plot, 0, panelCols))
		}
		p, err := kindPanel(r, rows, k, all)
		if err != nil {
			return err
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], p)
	}
	for len(grid[len(grid)-1]) < panelCols && len(grid) > 1 {
		grid[len(grid)-1] = append(grid[len(grid)-1], nil)
	}
	cols := len(grid[0])
	cv, err := draw.NewFormattedCanvas(vg.Length(cols)*panelWidth, vg.Length(len(grid))*panelHeight, plotFormat(path))
	if err != nil {
		return err
	}
	dc := draw.New(cv)
	tiles := draw.Tiles{Rows: len(grid), Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := cv.WriteTo(w)
		return err
	})
}

// kindPanel draws the rows of one kind.
func kindPanel(r *suite.Results, rows []suite.RowSummary, kind string, all []string) (*plot.Plot, error) {
	var cases []string
	var impls []string
	var mine []suite.RowSummary
	for _, row := range rows {
		if row.Kind != kind {
			continue
		}
		mine = append(mine, row)
		cases = append(cases, row.Case)
		for _, im := range row.Impls {
			if !slices.Contains(impls, im.Name) {
				impls = append(impls, im.Name)
			}
		}
	}
	p := plot.New()
	p.Title.Text = kind
	if kind == "unbounded" && standIn(mine, r.Reference) {
		p.Title.Text = "unbounded (" + r.Reference + ": chan of capacity N)"
	}
	unit := "msg"
	if r.Suite == "pool" { // pool's rows count tasks, not messages
		unit = "task"
	}
	p.Y.Label.Text = "ns/" + unit + " (median; whiskers min–max)"
	p.Y.Min = 0
	p.NominalX(cases...)
	p.Legend.Top = true
	p.Legend.Left = true
	width := (panelWidth - vg.Inch) * 0.8 / vg.Length(len(cases)*len(impls))
	for i, name := range impls {
		vals := make(plotter.Values, len(mine))
		var whisk whiskers
		for c, row := range mine {
			im, ok := row.Impl(name)
			if !ok || im.Rounds == 0 {
				continue
			}
			vals[c] = im.Median
			whisk = append(whisk, whisker{x: float64(c), y: im.Median, lo: im.Median - im.Min, hi: im.Max - im.Median})
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, err
		}
		bars.LineStyle.Width = 0
		bars.Color = implColor(slices.Index(all, name))
		offset := (vg.Length(i) - vg.Length(len(impls)-1)/2) * width
		bars.Offset = offset
		p.Add(bars)
		if len(whisk) > 0 {
			eb, err := plotter.NewYErrorBars(whisk)
			if err != nil {
				return nil, err
			}
			eb.Color = color.Gray{Y: 60}
			p.Add(shifted{eb, offset})
		}
		p.Legend.Add(name, bars)
	}
	p.Y.Max *= 1.1 + 0.07*float64(len(impls)) // room for the legend
	return p, nil
}

func standIn(rows []suite.RowSummary, ref string) bool {
	for _, row := range rows {
		if im, ok := row.Impl(ref); ok && im.Note != "" {
			return true
		}
	}
	return false
}

// implColor gives native a gray and the others distinct colors.
func implColor(i int) color.Color {
	if i == 0 {
		return color.RGBA{R: 150, G: 150, B: 150, A: 255}
	}
	return plotutil.Color(i - 1)
}

// whisker is one bar's spread: y with lo below and hi above.
type whisker struct{ x, y, lo, hi float64 }

// whiskers gives plotter.YErrorBars the spread of each bar.
type whiskers []whisker

func (w whiskers) Len() int                        { return len(w) }
func (w whiskers) XY(i int) (float64, float64)     { return w[i].x, w[i].y }
func (w whiskers) YError(i int) (float64, float64) { return w[i].lo, w[i].hi }

// shifted draws error bars moved sideways by dx, onto their bar of a group.
type shifted struct {
	*plotter.YErrorBars
	dx vg.Length
}

// Plot draws the error bars on a canvas moved by dx.
func (s shifted) Plot(c draw.Canvas, p *plot.Plot) {
	c.Rectangle.Min.X += s.dx
	c.Rectangle.Max.X += s.dx
	s.YErrorBars.Plot(c, p)
}
