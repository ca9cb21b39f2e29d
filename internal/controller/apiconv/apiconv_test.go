package apiconv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
)

// fill sets every exported field of the value v points to, recursively,
// to a distinct non-zero value, so that a field the conversion drops (or
// a field added to the store type and not to the API's) changes the JSON.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		switch {
		case v.Type() == reflect.TypeFor[json.RawMessage]():
			v.SetBytes([]byte(fmt.Sprintf(`{"n":%d}`, *n)))
		case v.Type().Elem().Kind() == reflect.Uint8:
			v.SetBytes([]byte(fmt.Sprintf("b%d", *n)))
		default:
			s := reflect.MakeSlice(v.Type(), 2, 2)
			fill(t, s.Index(0), n)
			fill(t, s.Index(1), n)
			v.Set(s)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, n)
		fill(t, e, n)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 6, 11, 0, 0, 123456789, time.UTC).Add(time.Duration(*n) * time.Minute)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: no rule for %s (kind %s): add one", v.Type(), v.Kind())
	}
}

// filled returns a T with every field set.
func filled[T any](t *testing.T) T {
	var x T
	n := 0
	fill(t, reflect.ValueOf(&x).Elem(), &n)
	return x
}

// subscriptionBefore is api.Subscription as it was, embedding the store's
// type: its JSON is what clients read before the API owned its types.
type subscriptionBefore struct {
	store.Subscription
	SecretSet bool   `json:"secret_set"`
	Secret    string `json:"secret,omitempty"`
}

// wireCase is one store type: its value as the old alias encoded it
// (before) and through the conversion (after).
type wireCase struct {
	name          string
	before, after any
}

// cases are the converted types, filled and zero (the omitempty and
// null paths), and the slice conversions (nil stays null, empty stays []).
func cases(t *testing.T) []wireCase {
	sub := filled[store.Subscription](t)
	var out []wireCase
	add := func(name string, full, zero [2]any) {
		out = append(out, wireCase{name, full[0], full[1]}, wireCase{name + "/zero", zero[0], zero[1]})
	}
	pair := func(b, a any) [2]any { return [2]any{b, a} }
	{
		v := filled[store.Scanner](t)
		add("Scanner", pair(v, Scanner(v)), pair(store.Scanner{}, Scanner(store.Scanner{})))
	}
	{
		v := filled[store.ImageSummary](t)
		add("ImageSummary", pair(v, ImageSummary(v)), pair(store.ImageSummary{}, ImageSummary(store.ImageSummary{})))
	}
	{
		v := filled[store.ImageChanges](t)
		add("ImageChanges", pair(v, ImageChanges(v)), pair(store.ImageChanges{}, ImageChanges(store.ImageChanges{})))
	}
	{
		v := filled[store.HostSummary](t)
		add("HostSummary", pair(v, HostSummary(v)), pair(store.HostSummary{}, HostSummary(store.HostSummary{})))
	}
	{
		v := filled[store.Decision](t)
		add("Decision", pair(v, Decision(v)), pair(store.Decision{}, Decision(store.Decision{})))
	}
	{
		v := filled[store.ImageDecision](t)
		add("ImageDecision", pair(v, ImageDecision(v)), pair(store.ImageDecision{}, ImageDecision(store.ImageDecision{})))
	}
	{
		v := filled[store.Token](t)
		add("Token", pair(v, Token(v)), pair(store.Token{}, Token(store.Token{})))
	}
	{
		v := filled[store.AuditEntry](t)
		add("AuditEntry", pair(v, AuditEntry(v)), pair(store.AuditEntry{}, AuditEntry(store.AuditEntry{})))
	}
	{
		v := filled[store.Delivery](t)
		add("Delivery", pair(v, Delivery(v)), pair(store.Delivery{}, Delivery(store.Delivery{})))
	}
	{
		v := filled[store.RunningContainer](t)
		add("RunningContainer", pair(v, RunningContainer(v)), pair(store.RunningContainer{}, RunningContainer(store.RunningContainer{})))
	}
	add("Subscription",
		pair(subscriptionBefore{Subscription: sub, SecretSet: true}, Subscription(sub)),
		pair(subscriptionBefore{}, Subscription(store.Subscription{})))
	add("Role", pair(store.RoleSubmitter, Role(store.RoleSubmitter)), pair(store.Role(""), Role("")))
	out = append(out,
		wireCase{"Slice/nil", []store.Token(nil), Slice([]store.Token(nil), Token)},
		wireCase{"Slice/empty", []store.Token{}, Slice([]store.Token{}, Token)},
		wireCase{"Slice/two", []store.Delivery{filled[store.Delivery](t), {}}, Slice([]store.Delivery{filled[store.Delivery](t), {}}, Delivery)},
	)
	return out
}

// TestWireMatchesStore: every converted value encodes byte for byte as
// the store's type did when the API aliased it, with every field set
// (a dropped field fails) and with none (omitempty, null slices).
func TestWireMatchesStore(t *testing.T) {
	for _, c := range cases(t) {
		t.Run(c.name, func(t *testing.T) {
			before, err := json.Marshal(c.before)
			if err != nil {
				t.Fatal(err)
			}
			after, err := json.Marshal(c.after)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("JSON changed:\nstore: %s\napi:   %s", before, after)
			}
		})
	}
}

// TestWireNeverShowsSecrets: what the store keeps and the API must not
// show (a subscription's sealed secret, a delivery's body, an image's
// fingerprint) is absent from the converted values' JSON.
func TestWireNeverShowsSecrets(t *testing.T) {
	sub := filled[store.Subscription](t)
	del := filled[store.Delivery](t)
	im := filled[store.ImageSummary](t)
	for _, c := range []struct {
		name   string
		v      any
		secret string
	}{
		{"subscription secret", Subscription(sub), string(sub.SecretSealed)},
		{"delivery body", Delivery(del), string(del.Body)},
		{"image fingerprint", ImageSummary(im), im.Fingerprint},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if c.secret == "" || bytes.Contains(b, []byte(`"`+c.secret+`"`)) {
			t.Errorf("%s %q shown: %s", c.name, c.secret, b)
		}
	}
}

// TestRoundTrip: a client decoding the API's JSON into the api type gets
// back every field (the types are usable both ways).
func TestRoundTrip(t *testing.T) {
	want := Token(filled[store.Token](t))
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got api.Token
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}
