package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
)

// decodeResult reads the result post of task: the request (its Report the
// report's JSON as posted, which is what gets stored unless an exception
// changes it) and the report decoded from it. The report is the bulk of
// the body and is read in one pass: decoding the request with web.Decode
// (the report as raw JSON) and then the report again went over it four
// times (each decode validates before it decodes) and cost the result
// post as much as decoding the report itself.
//
// It is as strict as web.Decode for the request (no unknown field, one
// JSON value and nothing after it; field names matched as encoding/json
// does, without regard to case), and as lenient as json.Unmarshal for the
// report. Every refusal is a 400 naming the task; a body over the route's
// limit stays the *http.MaxBytesError the web layer answers with 413.
func decodeResult(r *http.Request, task string) (api.ResultRequest, *report.Report, error) {
	var in api.ResultRequest
	// One buffer of the announced size (the route's limit bounds what
	// is read, whatever is announced).
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= web.MaxResultBody {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(r.Body)
	body := buf.Bytes()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return in, nil, err
		}
		return in, nil, web.Errorf(http.StatusBadRequest, "task %s: reading the request body: %v", task, err)
	}
	bad := func(format string, args ...any) error {
		return web.Errorf(http.StatusBadRequest, "task %s: bad request body: %s", task, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return in, nil, bad("want a JSON object")
	}
	var rep *report.Report
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return in, nil, bad("%v", err)
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "scanner"):
			err = dec.Decode(&in.Scanner)
		case strings.EqualFold(key, "duration_seconds"):
			err = dec.Decode(&in.DurationSeconds)
		case strings.EqualFold(key, "report"):
			// The value starts after the key, the colon and any space.
			start := dec.InputOffset()
			rest := bytes.TrimLeft(body[start:], " \t\r\n:")
			if len(rest) == 0 || rest[0] != '{' {
				// Read past it, so that a later error is the body's.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return in, nil, bad("%v", err)
				}
				in.Report, rep = nil, nil
				continue
			}
			rep = &report.Report{}
			if err := dec.Decode(rep); err != nil {
				var se *json.SyntaxError
				if errors.As(err, &se) {
					return in, nil, bad("%v", err)
				}
				return in, nil, web.Errorf(http.StatusBadRequest, "task %s: report: %v", task, err)
			}
			in.Report = json.RawMessage(bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n:"))
		default:
			return in, nil, bad("json: unknown field %q", key)
		}
		if err != nil {
			return in, nil, bad("%v", err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return in, nil, bad("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return in, nil, bad("data after the JSON value")
	}
	if rep == nil {
		// A report that is not an object (null decodes to nothing)
		// would be stored as posted: refused here instead.
		return in, nil, web.Errorf(http.StatusBadRequest, "task %s: report missing or not a JSON object", task)
	}
	return in, rep, nil
}
