package enrich

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

// EPSSInfo describes a parsed EPSS file.
type EPSSInfo struct {
	ModelVersion string
	ScoreDate    string // YYYY-MM-DD
	Rows         int
}

// ParseEPSS streams FIRST's daily EPSS CSV: an optional comment line
// "#model_version:v2023.03.01,score_date:2024-10-25T00:00:00+0000", a
// header "cve,epss,percentile", then one row per CVE. Every row carries
// the file's score date. A row that is not a CVE id with two numbers in
// [0,1] is an error naming its line: the file is one published snapshot.
func ParseEPSS(r io.Reader, emit func(*advisory.Enrichment) error) (EPSSInfo, error) {
	var info EPSSInfo
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	if b, _ := br.Peek(1); len(b) == 1 && b[0] == '#' {
		first, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return info, fmt.Errorf("EPSS CSV: %w", err)
		}
		line++
		for _, kv := range strings.Split(strings.TrimSpace(strings.TrimPrefix(first, "#")), ",") {
			k, v, _ := strings.Cut(kv, ":")
			switch strings.TrimSpace(k) {
			case "model_version":
				info.ModelVersion = strings.TrimSpace(v)
			case "score_date":
				d := strings.TrimSpace(v)
				if len(d) < 10 {
					return info, fmt.Errorf("EPSS CSV line 1: score_date %q is not a date", d)
				}
				if _, err := time.Parse(time.DateOnly, d[:10]); err != nil {
					return info, fmt.Errorf("EPSS CSV line 1: score_date %q is not a date", d)
				}
				info.ScoreDate = d[:10]
			}
		}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			return info, fmt.Errorf("EPSS CSV: %w", err)
		}
		if header {
			header = false
			if rec[0] != "cve" || rec[1] != "epss" || rec[2] != "percentile" {
				return info, fmt.Errorf("EPSS CSV line %d: header %q, want cve,epss,percentile", line, strings.Join(rec, ","))
			}
			continue
		}
		id := strings.TrimSpace(rec[0])
		if !advisory.IsCVE(id) {
			return info, fmt.Errorf("EPSS CSV line %d: %q is not a CVE id", line, rec[0])
		}
		score, err1 := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		pct, err2 := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err1 != nil || err2 != nil || score < 0 || score > 1 || pct < 0 || pct > 1 {
			return info, fmt.Errorf("EPSS CSV line %d: %s: epss %q and percentile %q must be numbers in [0,1]", line, id, rec[1], rec[2])
		}
		if err := emit(&advisory.Enrichment{ID: id, EPSS: &report.EPSS{Score: score, Percentile: pct, Date: info.ScoreDate}}); err != nil {
			return info, err
		}
		info.Rows++
	}
	if header {
		return info, errors.New("EPSS CSV: no header line")
	}
	return info, nil
}
