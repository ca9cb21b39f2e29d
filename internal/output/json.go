package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/scanfleet/scanfleet/internal/report"
)

// WriteJSON writes rep as indented JSON, byte for byte what
// json.Encoder with SetIndent("", "  ") writes, but streamed: the
// packages and findings are encoded one at a time into a buffered writer
// rather than the whole report into one buffer and indented into a
// second one. A report with 20,000 findings (tens of MB of JSON) then
// costs memory for one finding at a time, and time linear in its size.
func WriteJSON(w io.Writer, rep *report.Report) error {
	// The report without its two long lists, whose places are marked by
	// the null the encoder writes for nil slices; those are the only
	// top-level members indented by exactly two spaces with that name.
	rest := *rep
	rest.Packages, rest.Vulnerabilities = nil, nil
	head, err := json.MarshalIndent(&rest, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding report: %w", err)
	}
	type list struct {
		mark []byte
		n    int
		elem func(i int) any
		null bool
	}
	lists := []list{
		{[]byte("\n  \"packages\": null"), len(rep.Packages), func(i int) any { return &rep.Packages[i] }, rep.Packages == nil},
		{[]byte("\n  \"vulnerabilities\": null"), len(rep.Vulnerabilities), func(i int) any { return &rep.Vulnerabilities[i] }, rep.Vulnerabilities == nil},
	}
	// Where each list goes: each mark once, in this order; otherwise the
	// report type no longer has these members as this writer expects,
	// and it is encoded whole.
	pos, from := make([]int, len(lists)), 0
	for i, l := range lists {
		at := bytes.Index(head[from:], l.mark)
		if at < 0 || bytes.Contains(head[from+at+len(l.mark):], l.mark) {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		pos[i] = from + at + len(l.mark) - len("null")
		from = pos[i] + len("null")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	// One encoder for every element: its buffers are reused. It indents
	// each element as the whole report's encoder would at that depth.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	from = 0
	for i, l := range lists {
		end := pos[i]
		bw.Write(head[from:end])
		from = end + len("null")
		switch {
		case l.null:
			bw.WriteString("null")
		case l.n == 0:
			bw.WriteString("[]")
		default:
			bw.WriteString("[\n    ")
			for i := range l.n {
				if i > 0 {
					bw.WriteString(",\n    ")
				}
				buf.Reset()
				if err := enc.Encode(l.elem(i)); err != nil {
					return fmt.Errorf("encoding report: %w", err)
				}
				bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			}
			bw.WriteString("\n  ]")
		}
	}
	bw.Write(head[from:])
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}
