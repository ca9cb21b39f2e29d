package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// registryText rewrites, in msg, the registry's error diagnostics the way
// a person reads them. go-containerregistry prints a diagnostic's detail
// with %v, so a Go map reaches the user ("MANIFEST_UNKNOWN: manifest
// unknown; map[Tag:1]"); we print "MANIFEST_UNKNOWN: manifest unknown
// (Tag=1)" instead.
func registryText(msg string, err error) string {
	var te *transport.Error
	if !errors.As(err, &te) {
		return msg
	}
	for _, d := range te.Errors {
		if d.Detail == nil {
			continue
		}
		msg = strings.ReplaceAll(msg, d.String(), fmt.Sprintf("%s: %s (%s)", d.Code, d.Message, detailText(d.Detail)))
	}
	return msg
}

// detailText renders a diagnostic's detail: "key=value" pairs in key
// order for an object, compact JSON otherwise.
func detailText(detail any) string {
	if m, ok := detail.(map[string]any); ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			v := m[k]
			s, ok := v.(string)
			if !ok {
				b, err := json.Marshal(v)
				if err != nil {
					s = fmt.Sprint(v)
				} else {
					s = string(b)
				}
			}
			parts = append(parts, k+"="+s)
		}
		return strings.Join(parts, ", ")
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Sprint(detail)
	}
	return string(b)
}
