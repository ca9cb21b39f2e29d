// Package buildinfo reports the scanner's own version.
package buildinfo

import "runtime/debug"

// version is set at link time: -ldflags "-X github.com/scanfleet/scanfleet/internal/buildinfo.version=v1.2.3".
var version = ""

// Version returns the link-time version, else the module version the binary
// was built from, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
