// Package all is the one list of ecosystems Scanfleet knows. Adding a
// distribution or language ecosystem is a folder under internal/ecosystem
// with its Descriptor, plus one line in Descriptors; nothing else switches
// on ecosystem names.
package all

import (
	"sync"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/almalinux"
	"github.com/scanfleet/scanfleet/internal/ecosystem/alpine"
	"github.com/scanfleet/scanfleet/internal/ecosystem/amazon"
	"github.com/scanfleet/scanfleet/internal/ecosystem/azurelinux"
	"github.com/scanfleet/scanfleet/internal/ecosystem/centos"
	"github.com/scanfleet/scanfleet/internal/ecosystem/chainguard"
	"github.com/scanfleet/scanfleet/internal/ecosystem/cratesio"
	"github.com/scanfleet/scanfleet/internal/ecosystem/debian"
	"github.com/scanfleet/scanfleet/internal/ecosystem/golang"
	"github.com/scanfleet/scanfleet/internal/ecosystem/maven"
	"github.com/scanfleet/scanfleet/internal/ecosystem/npm"
	"github.com/scanfleet/scanfleet/internal/ecosystem/nuget"
	"github.com/scanfleet/scanfleet/internal/ecosystem/oracle"
	"github.com/scanfleet/scanfleet/internal/ecosystem/packagist"
	"github.com/scanfleet/scanfleet/internal/ecosystem/photon"
	"github.com/scanfleet/scanfleet/internal/ecosystem/pypi"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat"
	"github.com/scanfleet/scanfleet/internal/ecosystem/rocky"
	"github.com/scanfleet/scanfleet/internal/ecosystem/rubygems"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse"
	"github.com/scanfleet/scanfleet/internal/ecosystem/ubuntu"
	"github.com/scanfleet/scanfleet/internal/ecosystem/wolfi"
)

// Descriptors returns every ecosystem's descriptor: distributions first,
// then language ecosystems. The order is the order of `db update`'s
// default OSV downloads.
func Descriptors() []ecosystem.Descriptor {
	return []ecosystem.Descriptor{
		debian.Descriptor(),
		ubuntu.Descriptor(),
		alpine.Descriptor(),
		almalinux.Descriptor(),
		rocky.Descriptor(),
		redhat.Descriptor(),
		wolfi.Descriptor(),
		chainguard.Descriptor(),
		suse.SLE(),
		suse.OpenSUSE(),
		amazon.Descriptor(),
		azurelinux.AzureLinux(),
		azurelinux.Mariner(),
		photon.Descriptor(),
		oracle.Descriptor(),
		centos.Descriptor(),

		golang.Descriptor(),
		npm.Descriptor(),
		pypi.Descriptor(),
		maven.Descriptor(),
		cratesio.Descriptor(),
		rubygems.Descriptor(),
		nuget.Descriptor(),
		packagist.Descriptor(),
	}
}

// Default returns the Set of Descriptors, built once.
var Default = sync.OnceValue(func() *ecosystem.Set { return ecosystem.NewSet(Descriptors()) })
