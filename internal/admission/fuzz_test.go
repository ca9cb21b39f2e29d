package admission

import (
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FuzzDecodeReview: no input may panic or hang the decoder, and what it
// accepts must be usable: a UID, and images that either parse or are
// evaluated as unparseable without a panic.
func FuzzDecodeReview(f *testing.F) {
	f.Add(review(f, metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, admissionv1.Create, &corev1.Pod{Spec: podSpec()}))
	f.Add(review(f, metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, admissionv1.Update, &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: template()}}))
	f.Add(review(f, metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, admissionv1.Create, &batchv1.CronJob{}))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":null}}`))
	f.Add([]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"batch","kind":"Job"},"operation":"CREATE","object":{"spec":{"template":{"spec":{"containers":[{"image":"` + strings.Repeat("a", 300) + `"}]}}}}}}`))
	p := Policy{Settings: Settings{Mode: Protect, NoResult: Deny}, Rules: []Rule{{Name: "r", Action: Deny, Criteria: Criteria{Registries: []string{"docker.io"}}}}}
	if err := p.Validate(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeReview(b)
		if err != nil {
			return
		}
		if req.UID == "" {
			t.Fatal("accepted a review without uid")
		}
		for _, c := range req.Containers {
			ref, err := ParseRef(c.Image)
			s := Subject{Image: c.Image, Namespace: req.Namespace, Labels: req.Labels}
			if err == nil {
				s.Ref = ref
				if _, err := ParseRef(ref.String()); err != nil {
					t.Fatalf("normalised %q of %q does not parse: %v", ref.String(), c.Image, err)
				}
			}
			if v := p.Evaluate(now, s); v.Action != Deny {
				t.Fatalf("unscanned image allowed under no_result deny: %+v", v)
			}
		}
		if _, err := Response(req.UID, false, "m", nil); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseRef: a reference either fails with an error or normalises to a
// form that parses back to itself.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"nginx", "127.0.0.1:5000/team/app:1.2", "quay.io/a/b:v1@sha256:" + strings.Repeat("1", 64), "[::1]:5000/x", "index.docker.io/library/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			return
		}
		back, err := ParseRef(r.String())
		if err != nil || back != r {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, r, r.String(), back, err)
		}
	})
}

// FuzzParseDuration: no panic, no negative durations, and a duration's
// String reads back the same.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "36h", "90m", "1h30m", "0", "", "-1h", "99999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("%q gave negative %v", s, d)
		}
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, d, d.String(), back, err)
		}
	})
}
