package protocol

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// TestDecodeResult: the one-pass decode of a result post gives what
// web.Decode of the request and json.Unmarshal of its report gave (the
// report's JSON as posted, byte for byte, and the same decoded report),
// and refuses what they refused, with a 400 naming the task.
func TestDecodeResult(t *testing.T) {
	alpine, err := json.MarshalIndent(reporttest.Alpine(t), "  ", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const task = "t-42"
	for _, tc := range []struct {
		name string
		body string
		// wantErr: "" accepted, else a part of the 400's message
		wantErr string
	}{
		{name: "indented report", body: `{"scanner":"s1","duration_seconds":2.5,"report":` + string(alpine) + `}`},
		{name: "report first, spaces around the colon", body: "{ \"report\" :\n " + string(alpine) + " ,\"scanner\":\"s1\"}\n"},
		{name: "field names in another case", body: `{"Scanner":"s1","REPORT":{"warnings":["w"]}}`},
		{name: "unknown report fields are the report's business", body: `{"scanner":"s1","report":{"future":true}}`},
		{name: "unknown field", body: `{"scanner":"s1","report":{},"scaner":"x"}`, wantErr: `unknown field "scaner"`},
		{name: "data after the value", body: `{"scanner":"s1","report":{}} {}`, wantErr: "data after the JSON value"},
		{name: "not an object", body: `[]`, wantErr: "want a JSON object"},
		{name: "empty", body: ``, wantErr: "want a JSON object"},
		{name: "report missing", body: `{"scanner":"s1"}`, wantErr: "report missing or not a JSON object"},
		{name: "report null", body: `{"scanner":"s1","report":null}`, wantErr: "report missing or not a JSON object"},
		{name: "report an array", body: `{"scanner":"s1","report":[1]}`, wantErr: "report missing or not a JSON object"},
		{name: "report then null", body: `{"report":{},"report":null}`, wantErr: "report missing or not a JSON object"},
		{name: "report of the wrong shape", body: `{"scanner":"s1","report":{"packages":"x"}}`, wantErr: "report: json: cannot unmarshal"},
		{name: "report cut short", body: `{"scanner":"s1","report":{"packages":[`, wantErr: "unexpected EOF"},
		{name: "scanner not a string", body: `{"scanner":1,"report":{}}`, wantErr: "bad request body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/tasks/"+task+"/result", strings.NewReader(tc.body))
			in, rep, err := decodeResult(r, task)
			if tc.wantErr != "" {
				if web.StatusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), task) {
					t.Fatalf("error %v (status %d), want 400 naming task %s and saying %q", err, web.StatusOf(err), task, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			// What web.Decode and json.Unmarshal gave.
			var old api.ResultRequest
			if err := web.Decode(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body)), &old); err != nil {
				t.Fatal(err)
			}
			var oldRep report.Report
			if err := json.Unmarshal(old.Report, &oldRep); err != nil {
				t.Fatal(err)
			}
			if string(in.Report) != string(old.Report) || in.Scanner != old.Scanner || in.DurationSeconds != old.DurationSeconds {
				t.Errorf("request %q %v %.80q, want %q %v %.80q", in.Scanner, in.DurationSeconds, in.Report, old.Scanner, old.DurationSeconds, old.Report)
			}
			if !reflect.DeepEqual(*rep, oldRep) {
				t.Errorf("decoded report differs from json.Unmarshal's")
			}
		})
	}
}

// TestDecodeResultTooLarge: a body over the route's limit stays the
// *http.MaxBytesError the web layer answers with 413.
func TestDecodeResultTooLarge(t *testing.T) {
	body := `{"scanner":"s1","report":{"warnings":["` + strings.Repeat("x", 4096) + `"]}}`
	r := httptest.NewRequest(http.MethodPost, "/api/v1/tasks/t/result", strings.NewReader(body))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1024)
	_, _, err := decodeResult(r, "t")
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		t.Fatalf("error %v, want *http.MaxBytesError", err)
	}
}

// BenchmarkDecodeResult compares the one-pass decode of a result post
// with web.Decode of the request then json.Unmarshal of its report.
func BenchmarkDecodeResult(b *testing.B) {
	rep, err := json.Marshal(reporttest.Alpine(b))
	if err != nil {
		b.Fatal(err)
	}
	body := `{"scanner":"s1","duration_seconds":1,"report":` + string(rep) + `}`
	request := func() *http.Request {
		return httptest.NewRequest(http.MethodPost, "/api/v1/tasks/t/result", strings.NewReader(body))
	}
	b.Run("one pass", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := decodeResult(request(), "t"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("request then report", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var in api.ResultRequest
			if err := web.Decode(request(), &in); err != nil {
				b.Fatal(err)
			}
			var rep report.Report
			if err := json.Unmarshal(in.Report, &rep); err != nil {
				b.Fatal(err)
			}
		}
	})
}
