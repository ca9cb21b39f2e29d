package exception

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/scanfleet/scanfleet/internal/report"
)

// VEXWriter writes the document ToVEX makes, byte for byte as
// json.Encoder writes it, one report at a time: memory holds one report's
// statements, however many reports there are. Nothing is written before
// the first statement or Close, so a caller that fails before then can
// still answer with an error instead of a document.
type VEXWriter struct {
	w          io.Writer
	now        time.Time
	head, tail []byte
	started    bool
	n          int
}

// statementsKey is where the statements go in the document's JSON.
var statementsKey = []byte(`"statements":[]`)

// NewVEXWriter starts a document to w with ToVEX's metadata.
func NewVEXWriter(w io.Writer, docID, author string, now time.Time) (*VEXWriter, error) {
	doc := vexDocument(docID, author, now)
	doc.Statements = []govex.Statement{}
	b, err := json.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("encoding the VEX document: %w", err)
	}
	// Strings are escaped in JSON, so the key appears once, unquoted,
	// where the encoder put the (empty) statements.
	if bytes.Count(b, statementsKey) != 1 {
		return nil, fmt.Errorf("encoding the VEX document: no single statements array in %s", b)
	}
	i := bytes.Index(b, statementsKey) + len(statementsKey) - 1
	return &VEXWriter{w: w, now: now, head: b[:i], tail: append(b[i:], '\n')}, nil
}

// Add writes the statements of what exceptions suppressed in rep.
func (v *VEXWriter) Add(rep *report.Report) error {
	sts, err := vexStatements(rep, v.now)
	if err != nil {
		return err
	}
	for i := range sts {
		b, err := json.Marshal(&sts[i])
		if err != nil {
			return fmt.Errorf("encoding a VEX statement: %w", err)
		}
		if err := v.start(); err != nil {
			return err
		}
		if v.n > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := v.w.Write(b); err != nil {
			return fmt.Errorf("writing the VEX document: %w", err)
		}
		v.n++
	}
	return nil
}

// Close ends the document.
func (v *VEXWriter) Close() error {
	if err := v.start(); err != nil {
		return err
	}
	if _, err := v.w.Write(v.tail); err != nil {
		return fmt.Errorf("writing the VEX document: %w", err)
	}
	return nil
}

func (v *VEXWriter) start() error {
	if v.started {
		return nil
	}
	v.started = true
	if _, err := v.w.Write(v.head); err != nil {
		return fmt.Errorf("writing the VEX document: %w", err)
	}
	return nil
}

// Statements is how many statements were written.
func (v *VEXWriter) Statements() int { return v.n }

// VEXReport decodes of a stored report only what VEXWriter.Add reads
// (the image, OS, packages and suppressed findings), leaving out the
// findings, the bulk of a report.
func VEXReport(raw []byte) (*report.Report, error) {
	var part struct {
		Image      *report.Image       `json:"image"`
		OS         *report.OS          `json:"os"`
		Packages   []report.Package    `json:"packages"`
		Suppressed []report.Suppressed `json:"suppressed"`
	}
	if err := json.Unmarshal(raw, &part); err != nil {
		return nil, err
	}
	return &report.Report{Image: part.Image, OS: part.OS, Packages: part.Packages, Suppressed: part.Suppressed}, nil
}
