package main

import (
	"image/color"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/baton-go/baton/bench/pipebench"
)

// writePipelinePlot draws one panel per workload and order (W4 noop
// unordered, W4 noop ordered, ..., W5), with a group of bars per worker
// count: the median ns/item of each implementation, whiskers from min to
// max. It reuses the channel plot's colors, whiskers and panel sizes.
func writePipelinePlot(path string, r *pipebench.Results) error {
	type panel struct {
		title string
		rows  []pipebench.RowResult
	}
	var panels []*panel
	for _, rr := range r.Rows {
		// W4/noop/n=4/unordered: the panel is everything but n=4.
		parts := strings.Split(rr.Row.Name, "/")
		title := strings.Join(slices.Delete(slices.Clone(parts), 2, 3), " ")
		i := slices.IndexFunc(panels, func(p *panel) bool { return p.title == title })
		if i < 0 {
			panels = append(panels, &panel{title: title})
			i = len(panels) - 1
		}
		panels[i].rows = append(panels[i].rows, rr)
	}
	all := []string{"native"} // native first: implColor gives it gray
	for _, im := range pipebench.Impls {
		if im.Name != "native" {
			all = append(all, im.Name)
		}
	}
	// Panels go two to a row when they fill the rows, else one per row, so
	// that plot.Align never sees an empty cell.
	cols := panelCols
	if len(panels)%cols != 0 {
		cols = 1
	}
	var grid [][]*plot.Plot
	for i, pn := range panels {
		if i%cols == 0 {
			grid = append(grid, make([]*plot.Plot, 0, cols))
		}
		p, err := pipelinePanel(pn.title, pn.rows, all)
		if err != nil {
			return err
		}
		grid[len(grid)-1] = append(grid[len(grid)-1], p)
	}
	cv, err := draw.NewFormattedCanvas(vg.Length(cols)*panelWidth, vg.Length(len(grid))*panelHeight, plotFormat(path))
	if err != nil {
		return err
	}
	tiles := draw.Tiles{Rows: len(grid), Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, draw.New(cv))
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

func pipelinePanel(title string, rows []pipebench.RowResult, all []string) (*plot.Plot, error) {
	var groups, impls []string
	sums := make([][]pipebench.Summary, len(rows))
	for i, rr := range rows {
		groups = append(groups, strings.Split(rr.Row.Name, "/")[2])
		sums[i] = pipebench.Summarize(rr)
		for _, s := range sums[i] {
			if !slices.Contains(impls, s.Impl) {
				impls = append(impls, s.Impl)
			}
		}
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "ns/item (median; whiskers min–max)"
	p.Y.Min = 0
	p.NominalX(groups...)
	p.Legend.Top = true
	p.Legend.Left = true
	width := (panelWidth - vg.Inch) * 0.8 / vg.Length(max(len(groups)*len(impls), 1))
	for i, name := range impls {
		vals := make(plotter.Values, len(rows))
		var whisk whiskers
		for g := range rows {
			k := slices.IndexFunc(sums[g], func(s pipebench.Summary) bool { return s.Impl == name })
			if k < 0 {
				continue
			}
			s := sums[g][k]
			vals[g] = s.Median
			whisk = append(whisk, whisker{x: float64(g), y: s.Median, lo: s.Median - s.Lo, hi: s.Hi - s.Median})
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
	p.Y.Max *= 1.1 + 0.07*float64(len(impls))
	// A panel of one group (W5) would otherwise get an empty x range, which
	// plot.Align turns into an infinite width.
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	return p, nil
}
