package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
)

// The layer store is shared by the whole fleet, so what enters it is
// checked: a bad entry would silently empty every image built on that
// layer. An analysis is accepted only from the scanner holding the
// layer's claim (so existing entries cannot be rewritten: a claim is only
// granted on a miss), only for this controller's analyzer set, and only
// in the exact shape of layer.Analysis. docs/reliability.md says what a
// compromised scanner can still do.

var diffIDPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// knownAnalyzers names the analyzers of the analyzer set all.Version().
var knownAnalyzers = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range all.Analyzers() {
		m[a.Name()] = true
	}
	return m
}()

// checkLayerKey accepts "<analyzer set version>/<diff ID>" for the
// analyzer set this controller knows.
func checkLayerKey(key string) error {
	version, diffID, ok := strings.Cut(key, "/")
	if !ok || !diffIDPattern.MatchString(diffID) {
		return fmt.Errorf("layer key %q: want %s/sha256:<64 hex digits>", key, all.Version())
	}
	if version != all.Version() {
		return fmt.Errorf("layer key %q: analyzer set %q is not this controller's (%s)", key, version, all.Version())
	}
	return nil
}

// decodeLayer decodes a stored or posted analysis strictly: no unknown
// field anywhere, nothing after the value, counts not negative, every
// file named and made by a known analyzer. (A file with neither result
// nor error is legitimate: its analyzer found nothing in it.)
func decodeLayer(raw []byte) (*layer.Analysis, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var a layer.Analysis
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("layer analysis: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return nil, errors.New("layer analysis: data after the JSON value")
	}
	if a.Entries < 0 || a.Bytes < 0 {
		return nil, fmt.Errorf("layer analysis: negative counts (entries %d, bytes %d)", a.Entries, a.Bytes)
	}
	for i, f := range a.Files {
		if f.Path == "" {
			return nil, fmt.Errorf("layer analysis: file %d has no path", i)
		}
		if !knownAnalyzers[f.Analyzer] {
			return nil, fmt.Errorf("layer analysis: file %q: unknown analyzer %q", f.Path, f.Analyzer)
		}
	}
	return &a, nil
}
