package cmdio

import (
	"time"

	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/spf13/pflag"
)

// stallFlag is --stall-timeout. A user's 0 means "no bound", which
// source.Options spells as a negative value (its 0 is the default): the
// flag stores that, so a scanFlags or worker.Config built without the
// flag (demo, NeuVector mode) keeps the default bound.
type stallFlag struct{ d *time.Duration }

// BindStallFlag registers --stall-timeout on fl, storing into d.
func BindStallFlag(fl *pflag.FlagSet, d *time.Duration) {
	*d = source.DefaultStallTimeout
	fl.Var(stallFlag{d}, "stall-timeout", "give up a registry read after this long without data (retried 3 times, then the scan fails); 0: no bound")
}

func (s stallFlag) String() string {
	if s.d == nil {
		return source.DefaultStallTimeout.String()
	}
	if *s.d < 0 {
		return "0s"
	}
	return s.d.String()
}

func (s stallFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return err
	}
	if d <= 0 {
		d = -1
	}
	*s.d = d
	return nil
}

func (stallFlag) Type() string { return "duration" }
