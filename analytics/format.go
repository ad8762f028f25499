package analytics

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// Formats are the output formats of Write.
var Formats = []string{"table", "csv", "json"}

// Write prints res as a table, CSV or JSON. Table and CSV note a
// truncated result on a last line; JSON says so in "truncated".
func Write(w io.Writer, res Result, format string) error {
	switch format {
	case "json":
		if res.Rows == nil {
			res.Rows = [][]any{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(res.Columns)
		for _, row := range res.Rows {
			_ = cw.Write(cells(row))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case "table":
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		writeTabbed(tw, res.Columns)
		for _, row := range res.Rows {
			writeTabbed(tw, cells(row))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "(%d rows)\n", len(res.Rows))
	default:
		return fmt.Errorf("%w: format %q: want table, csv or json", ErrBadParam, format)
	}
	if res.Truncated {
		fmt.Fprintf(w, "# truncated at %d rows\n", MaxRows)
	}
	return nil
}

func writeTabbed(w io.Writer, cols []string) {
	for i, c := range cols {
		if i > 0 {
			fmt.Fprint(w, "\t")
		}
		fmt.Fprint(w, c)
	}
	fmt.Fprintln(w)
}

func cells(row []any) []string {
	out := make([]string, len(row))
	for i, v := range row {
		out[i] = cell(v)
	}
	return out
}

// cell prints one value: numbers short, nulls empty, lists and maps as JSON.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case int64, bool:
		return fmt.Sprint(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}
