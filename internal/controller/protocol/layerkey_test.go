package protocol

import (
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
)

// otherVersion is a default analyzer under another version, as a scanner
// built from newer (or older) analyzer code would run it.
type otherVersion struct{ analyzer.Analyzer }

func (o otherVersion) Version() string { return o.Analyzer.Version() + "-other" }

// TestLayerKeyFollowsAnalyzerVersions: the fleet's layer store accepts
// exactly the key a scanner's own layer cache uses (layer.Key of
// all.Version, derived from every analyzer's version), and refuses the
// key of a scanner whose analyzers differ in one version, or the old
// hand-bumped set name, so that no fleet member reuses analyses made by
// other analyzer code.
func TestLayerKeyFollowsAnalyzerVersions(t *testing.T) {
	diffID := "sha256:" + strings.Repeat("ab", 32)
	if err := checkLayerKey(layer.Key(all.Version(), diffID)); err != nil {
		t.Fatalf("the scanners' key refused: %v", err)
	}
	for i, a := range all.Analyzers() {
		as := all.Analyzers()
		as[i] = otherVersion{a}
		key := layer.Key(analyzer.SetVersion(as), diffID)
		err := checkLayerKey(key)
		if err == nil || !strings.Contains(err.Error(), "is not this controller's") {
			t.Errorf("%s at version %s: key %s: %v, want refused as another analyzer set", a.Name(), as[i].Version(), key, err)
		}
	}
	if err := checkLayerKey("a3/" + diffID); err == nil {
		t.Error("the former hand-bumped analyzer set a3 is accepted")
	}
}
