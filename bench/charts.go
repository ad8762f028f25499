package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// charts draws the PNGs of a report into dir and returns their paths:
// read throughput against concurrency, and latency distributions (CDFs on
// a log scale) of reads, writes and subscriptions.
func (rep *Report) charts(dir string) ([]string, error) {
	var files []string
	save := func(name string, rows [][]*plot.Plot) error {
		path := filepath.Join(dir, rep.Config.Scale+"-"+name+".png")
		files = append(files, path)
		return saveGrid(path, rows)
	}
	if rep.hasStage("reads") {
		var tput, lats []*plot.Plot
		most := maxInt(rep.Config.Concurrency)
		for _, q := range readQueries {
			tput = append(tput, rep.vsConcurrency(q.name, "requests/s", rep.Config.Concurrency, "reads", q.name, "ours", "peer", "cypher"))
			lats = append(lats, rep.cdf(fmt.Sprintf("%s, %d clients", q.name, most), func(who string) (Result, bool) {
				return rep.find("reads", q.name, who, most)
			}, "ours", "peer", "cypher"))
		}
		if err := save("reads-throughput", grid(tput, 3)); err != nil {
			return nil, err
		}
		if err := save("reads-latency", grid(lats, 3)); err != nil {
			return nil, err
		}
	}
	if rep.hasStage("writes") {
		top := maxInt(rep.Config.WriteConcurrency)
		tp := rep.vsConcurrency("follow/addInterest (waiting for the result)", "mutations/s", rep.Config.WriteConcurrency, "writes", "follow/addInterest", "ours", "peer")
		// The async writes run at the read levels' top, which may be lower:
		// their curve says so.
		async := fmt.Sprintf("ours, async (to ACCEPTED, %d clients)", maxInt(rep.Config.Concurrency))
		lp := rep.cdf(fmt.Sprintf("follow/addInterest, %d clients", top), func(who string) (Result, bool) {
			switch who {
			case async:
				return rep.find("writes", "async: until ACCEPTED", "ours", 0)
			case "ours (to APPLIED)":
				return rep.find("writes", "follow/addInterest", "ours", top)
			}
			return rep.find("writes", "follow/addInterest", "peer", top)
		}, "ours (to APPLIED)", async, "peer")
		if err := save("writes", [][]*plot.Plot{{tp, lp}}); err != nil {
			return nil, err
		}
	}
	if len(rep.Subs) > 0 {
		p := newPlot("subscription delivery (event at → received)", "latency (ms, log scale)", "percentile")
		percentileAxis(p)
		var lp []any
		for _, s := range rep.Subs {
			if len(s.lat) > 0 {
				lp = append(lp, fmt.Sprintf("%d subscribers, %g/s", s.Subscribers, s.Rate), cdfPoints(s.lat))
			}
		}
		if len(lp) > 0 {
			logX(p)
		}
		if err := plotutil.AddLines(p, lp...); err != nil {
			return nil, err
		}
		if err := save("subs-latency", [][]*plot.Plot{{p}}); err != nil {
			return nil, err
		}
	}
	return files, nil
}

func (rep *Report) hasStage(s string) bool { return rep.Config.Stages[s] }

// vsConcurrency plots median throughput against client concurrency, at levels.
func (rep *Report) vsConcurrency(title, unit string, levels []int, stage, name string, who ...string) *plot.Plot {
	p := newPlot(title, "concurrent clients (log scale)", unit)
	var lp []any
	top := 0.0
	for _, w := range who {
		var xys plotter.XYs
		for _, c := range levels {
			if r, ok := rep.find(stage, name, w, c); ok {
				xys = append(xys, plotter.XY{X: float64(c), Y: r.Throughput.Median})
				top = max(top, r.Throughput.Median)
			}
		}
		if len(xys) > 0 {
			lp = append(lp, w, xys)
		}
	}
	if len(lp) > 0 {
		_ = plotutil.AddLinePoints(p, lp...)
		if len(levels) > 1 { // one level has no range: gonum's log axis would pad it below 0
			logX(p)
		}
		var ts []plot.Tick
		for _, c := range levels {
			ts = append(ts, plot.Tick{Value: float64(c), Label: strconv.Itoa(c)})
		}
		p.X.Tick.Marker = plot.ConstantTicks(ts)
		p.Y.Min, p.Y.Max = 0, top*1.3 // headroom for the legend
	}
	return p
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	return p
}

func logX(p *plot.Plot) {
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = ticks125{}
}

// ticks125 labels a log axis at 1, 2, 5, 10, 20, 50 … (gonum's LogTicks
// labels powers of ten only, too few for a short range).
type ticks125 struct{}

func (ticks125) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for d := math.Pow(10, math.Floor(math.Log10(lo))); d <= hi; d *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := d * m; v >= lo && v <= hi {
				out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
			}
		}
	}
	return out
}

// percentileAxis leaves room above 100 for the legend.
func percentileAxis(p *plot.Plot) {
	p.Y.Min, p.Y.Max = 0, 135
	var ts []plot.Tick
	for v := 0.0; v <= 100; v += 20 {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ts)
}

// cdf plots the latency distributions of the named contestants.
func (rep *Report) cdf(title string, get func(string) (Result, bool), who ...string) *plot.Plot {
	p := newPlot(title, "latency (ms, log scale)", "percentile")
	percentileAxis(p)
	var lp []any
	for _, w := range who {
		if r, ok := get(w); ok && len(r.lat) > 0 {
			lp = append(lp, w, cdfPoints(r.lat))
		}
	}
	if len(lp) > 0 { // a log axis without data has no range
		logX(p)
	}
	_ = plotutil.AddLines(p, lp...)
	return p
}

// cdfPoints turns sorted latencies into at most 400 (ms, percentile) points.
func cdfPoints(sorted []time.Duration) plotter.XYs {
	var xys plotter.XYs
	step := max(1, len(sorted)/400)
	for i := 0; i < len(sorted); i += step {
		xys = append(xys, plotter.XY{X: max(ms(sorted[i]), 0.01), Y: 100 * float64(i+1) / float64(len(sorted))})
	}
	if n := len(sorted); n > 0 && (n-1)%step != 0 {
		xys = append(xys, plotter.XY{X: max(ms(sorted[n-1]), 0.01), Y: 100})
	}
	return xys
}

// grid cuts plots into rows of cols, the last one filled with empty tiles
// (saveGrid needs rows of equal length).
func grid(plots []*plot.Plot, cols int) [][]*plot.Plot {
	var rows [][]*plot.Plot
	for i := 0; i < len(plots); i += cols {
		row := append([]*plot.Plot(nil), plots[i:min(i+cols, len(plots))]...)
		for len(row) < cols {
			row = append(row, nil) // plot.Align leaves nil tiles empty
		}
		rows = append(rows, row)
	}
	return rows
}

// saveGrid draws plots in a grid (rows of equal length) into a PNG.
func saveGrid(path string, rows [][]*plot.Plot) error {
	const tileW, tileH = 6 * vg.Inch, 4 * vg.Inch
	img := vgimg.New(tileW*vg.Length(len(rows[0])), tileH*vg.Length(len(rows)))
	dc := draw.New(img)
	t := draw.Tiles{Rows: len(rows), Cols: len(rows[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(rows, t, dc)
	for j, row := range rows {
		for i, p := range row {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
