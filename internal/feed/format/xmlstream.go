package format

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
)

// XML feeds (OVAL, updateinfo.xml, repomd.xml, SUSE CVRF) are streamed:
// the decoder reads the document one token at a time and decodes one
// record (an OVAL definition, test, object or state; an <update>; a whole
// CVRF document, which is one advisory) at a time. encoding/xml itself
// has no size limit, so a single hostile token (a gigabyte attribute, an
// endless run of character data) would be buffered whole. xmlBudget sits
// between the document and the decoder and lets each step read only so
// many bytes: a step that needs more fails with an ErrXMLTooLarge naming
// what was being read, and the document's reading stops there.
//
// encoding/xml expands no entity beyond the five predefined ones and the
// character references (an undefined &name; is a syntax error), so a
// "billion laughs" document fails at its first entity reference; a
// document with a DTD is rejected anyway, since no feed has one.
const (
	// MaxXMLToken bounds one token read between records: a start tag
	// with its attributes, the character data between two elements.
	MaxXMLToken = 1 << 20
	// MaxXMLRecord bounds one record (an OVAL definition, an <update>):
	// the largest real ones are a few tens of kilobytes.
	MaxXMLRecord = 16 << 20
	// MaxXMLDocRecord bounds a format whose whole document is one
	// record (SUSE CVRF), as MaxDocSize does JSON documents.
	MaxXMLDocRecord = MaxDocSize
)

// ErrXMLTooLarge is the error of an XML element or token larger than its
// limit.
type ErrXMLTooLarge struct {
	What  string // "<definition>", "a token between records"
	Limit int64
}

func (e *ErrXMLTooLarge) Error() string {
	return fmt.Sprintf("%s larger than %d bytes", e.What, e.Limit)
}

// xmlBudget is the decoder's byte source; allow sets how many more bytes
// the next step may read. encoding/xml reads through ReadByte when its
// reader has one, so the count is exact.
type xmlBudget struct {
	r     io.ByteReader
	left  int64
	limit int64
	what  string
}

func (b *xmlBudget) allow(what string, n int64) { b.what, b.limit, b.left = what, n, n }

func (b *xmlBudget) ReadByte() (byte, error) {
	if b.left <= 0 {
		return 0, &ErrXMLTooLarge{What: b.what, Limit: b.limit}
	}
	c, err := b.r.ReadByte()
	if err == nil {
		b.left--
	}
	return c, err
}

// Read is never called by encoding/xml (it uses ReadByte); it is here so
// xmlBudget is an io.Reader, and reads a byte at a time.
func (b *xmlBudget) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, err := b.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = c
	return 1, nil
}

// XMLStream is a document being read with bounded steps.
type XMLStream struct {
	dec    *xml.Decoder
	budget *xmlBudget
}

// NewXMLStream starts reading the XML document r.
func NewXMLStream(r io.Reader) *XMLStream {
	br, ok := r.(io.ByteReader)
	if !ok {
		br = bufio.NewReader(r)
	}
	b := &xmlBudget{r: br}
	return &XMLStream{dec: xml.NewDecoder(b), budget: b}
}

// Token reads the next token between records.
func (s *XMLStream) Token() (xml.Token, error) {
	s.budget.allow("an XML token between records", MaxXMLToken)
	return s.dec.Token()
}

// Decode reads the rest of the element se into v, at most limit bytes.
func (s *XMLStream) Decode(v any, se *xml.StartElement, limit int64) error {
	s.budget.allow("<"+se.Name.Local+">", limit)
	return s.dec.DecodeElement(v, se)
}

// Allow hands the decoder to a reader that decodes by itself (SUSE
// CVRF's DecodeXML), which may then read at most limit bytes; what names
// the element in the error of a document over it.
func (s *XMLStream) Allow(what string, limit int64) *xml.Decoder {
	s.budget.allow(what, limit)
	return s.dec
}

// IsDTD reports whether a token is a document type declaration.
func IsDTD(tok xml.Token) bool {
	d, ok := tok.(xml.Directive)
	return ok && bytes.HasPrefix(bytes.TrimSpace(d), []byte("DOCTYPE"))
}

// Attr returns the value of the start element's attribute named local.
func Attr(se *xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
