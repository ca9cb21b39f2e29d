package crawl

import (
	"fmt"
	"strings"
)

// ValidatePlatforms checks a registry's platforms setting: each entry is
// "os/arch[/variant]".
func ValidatePlatforms(platforms []string) error {
	for _, p := range platforms {
		if _, _, _, err := splitPlatform(p); err != nil {
			return err
		}
	}
	return nil
}

// SelectPlatforms keeps the manifests whose platform one of want names
// (all of them when want is empty). A wanted variant must match; no
// wanted variant accepts any; arm64's v8 and arm's v7 are their
// architectures' defaults, as registries and engines treat them.
func SelectPlatforms(ms []PlatformManifest, want []string) []PlatformManifest {
	if len(want) == 0 {
		return ms
	}
	var out []PlatformManifest
	for _, m := range ms {
		hos, harch, hvar, err := splitPlatform(m.Platform)
		if err != nil {
			continue
		}
		for _, w := range want {
			wos, warch, wvar, err := splitPlatform(w)
			if err != nil || wos != hos || warch != harch {
				continue
			}
			if wvar == "" || defaultVariant(warch, wvar) == defaultVariant(harch, hvar) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

func splitPlatform(s string) (os, arch, variant string, err error) {
	// An OS version (":10.0.17763") is not selected on.
	base, _, _ := strings.Cut(strings.TrimSpace(s), ":")
	parts := strings.Split(base, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return "", "", "", fmt.Errorf("platform %q is not os/arch[/variant] (e.g. linux/arm64)", s)
	}
	if len(parts) == 3 {
		variant = parts[2]
	}
	return parts[0], parts[1], variant, nil
}

func defaultVariant(arch, variant string) string {
	if (arch == "arm64" && variant == "v8") || (arch == "arm" && variant == "v7") {
		return ""
	}
	return variant
}
