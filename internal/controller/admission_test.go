package controller

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/admissionhook"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// alpineAnswerCVEs reads the CVEs the Alpine 3.20.3 root filesystem must
// show against the secdb subset, from the hand-derived answer file.
func alpineAnswerCVEs(t *testing.T) []string {
	t.Helper()
	fh, err := os.Open(testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 4 && !strings.HasPrefix(f[0], "#") {
			out = append(out, f[3])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no answers read")
	}
	return out
}

// submit posts a report through the standalone submission API.
func (f *fixture) submit(t *testing.T, token string, rep *report.Report, refs ...string) (int, []byte) {
	t.Helper()
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return f.do(t, "POST", "/api/v1/results", token, mustJSON(t, api.SubmitRequest{Report: raw, References: refs, Scanner: "ci-runner-7"}))
}

// tlsServer serves the fixture's controller over HTTPS too, as the API
// server needs for the webhook.
func (f *fixture) tlsServer(t *testing.T) *httptest.Server {
	srv := httptest.NewTLSServer(f.c.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// reviewBody is a real AdmissionReview as the API server sends it.
func reviewBody(t *testing.T, uid string, gvk metav1.GroupVersionKind, namespace string, obj runtime.Object) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: types.UID(uid), Kind: gvk, Namespace: namespace, Operation: admissionv1.Create,
			Object: runtime.RawExtension{Raw: raw}},
	})
}

func postReview(t *testing.T, srv *httptest.Server, body []byte) *admissionv1.AdmissionResponse {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+"/admission", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /admission: %d %s", resp.StatusCode, b)
	}
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(b, &ar); err != nil {
		t.Fatal(err)
	}
	if ar.APIVersion != "admission.k8s.io/v1" || ar.Kind != "AdmissionReview" || ar.Response == nil {
		t.Fatalf("not an AdmissionReview response: %s", b)
	}
	return ar.Response
}

func pod(images ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Labels: map[string]string{"app": "web"}}}
	for i, im := range images {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "c" + string(rune('0'+i)), Image: im})
	}
	return p
}

var podGVK = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}

func TestAdmissionWebhook(t *testing.T) {
	f := newFixture(t, Config{})
	srv := f.tlsServer(t)
	rep := reporttest.Alpine(t)
	answers := alpineAnswerCVEs(t)
	// A pipeline scanned the image and pushed it under two tags.
	code, body := f.submit(t, f.scanner, rep, "127.0.0.1:5000/team/app:1.2", "127.0.0.1:5000/team/app:stable")
	if code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	digest := rep.Image.Digest
	// The result is listed like a scanner's.
	code, body = f.do(t, "GET", "/api/v1/images?repository=team/app", f.reader, nil)
	var ims []store.ImageSummary
	if err := json.Unmarshal(body, &ims); code != 200 || err != nil || len(ims) != 1 {
		t.Fatalf("images: %d %s", code, body)
	}
	// The answers list each (source package, CVE) once; the report has a
	// finding per binary package, so compare the distinct IDs.
	var ids []string
	for _, v := range rep.Vulnerabilities {
		if !slices.Contains(ids, v.ID) {
			ids = append(ids, v.ID)
		}
	}
	slices.Sort(ids)
	if want := slices.Sorted(slices.Values(answers)); !slices.Equal(ids, want) {
		t.Fatalf("the real report's CVEs %v differ from the answers %v", ids, want)
	}
	if ims[0].Digest != digest || ims[0].Registry != "127.0.0.1:5000" || ims[0].Vulnerabilities != len(rep.Vulnerabilities) || ims[0].ScannedBy != "standalone:ci-runner-7" {
		t.Errorf("listed %+v; want digest %s, %d vulnerabilities", ims[0], digest, len(rep.Vulnerabilities))
	}
	code, body = f.do(t, "GET", "/api/v1/images?cve="+answers[0], f.reader, nil)
	if code != 200 || !strings.Contains(string(body), digest) {
		t.Errorf("images by CVE %s: %d %s", answers[0], code, body)
	}

	setRules := func(settings string, rules ...admission.Rule) {
		t.Helper()
		code, body := f.do(t, "GET", "/api/v1/admission/rules", f.reader, nil)
		var have []admission.Rule
		if err := json.Unmarshal(body, &have); code != 200 || err != nil {
			t.Fatalf("rules: %d %s", code, body)
		}
		for _, r := range have {
			if code, body := f.do(t, "DELETE", "/api/v1/admission/rules/"+r.Name, f.admin, nil); code != 204 {
				t.Fatalf("delete: %d %s", code, body)
			}
		}
		for _, r := range rules {
			if code, body := f.do(t, "POST", "/api/v1/admission/rules", f.admin, mustJSON(t, r)); code != 201 {
				t.Fatalf("create rule: %d %s", code, body)
			}
		}
		if code, body := f.do(t, "PUT", "/api/v1/admission/settings", f.admin, []byte(settings)); code != 200 {
			t.Fatalf("settings: %d %s", code, body)
		}
	}
	vulnCVE := answers[0]
	denyCVE := admission.Rule{Name: "no-" + strings.ToLower(vulnCVE), Action: admission.Deny, Criteria: admission.Criteria{CVEs: []string{vulnCVE}}}
	// Every secdb finding has a fixed version, so "without a fix" finds none.
	denyNoFix := admission.Rule{Name: "no-unfixed", Action: admission.Deny, Criteria: admission.Criteria{Severity: "UNKNOWN", Fix: admission.FixWithout}}
	denyCount := func(n int) admission.Rule {
		return admission.Rule{Name: "too-many", Action: admission.Deny, Criteria: admission.Criteria{Severity: "UNKNOWN", MinCount: n}}
	}
	allowTeam := admission.Rule{Name: "team-exception", Action: admission.Allow, Criteria: admission.Criteria{Namespaces: []string{"team-ns"}}}
	denyUnscanned := admission.Rule{Name: "must-be-scanned", Action: admission.Deny, Criteria: admission.Criteria{NotScanned: true}}
	denyStale := admission.Rule{Name: "stale", Action: admission.Deny, Criteria: admission.Criteria{ScannedOlderThan: admission.Duration(30 * 24 * 3600 * 1e9)}}

	digestRef := "127.0.0.1:5000/team/app@" + digest
	tests := []struct {
		name      string
		settings  string
		rules     []admission.Rule
		gvk       metav1.GroupVersionKind
		namespace string
		obj       runtime.Object
		allowed   bool
		result    string
		// wantMsg must appear in the refusal (or the warnings when allowed).
		wantMsg []string
	}{
		{"protect: tag resolves to the vulnerable digest", `{"mode":"protect"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			false, admissionhook.ResultDenied, []string{`image "127.0.0.1:5000/team/app:1.2"`, `denied by rule "` + denyCVE.Name + `"`, vulnCVE}},
		{"protect: second tag too", `{"mode":"protect"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("127.0.0.1:5000/team/app:stable"),
			false, admissionhook.ResultDenied, []string{`image "127.0.0.1:5000/team/app:stable"`}},
		{"protect: by digest", `{"mode":"protect"}`, []admission.Rule{denyCVE}, podGVK, "default", pod(digestRef),
			false, admissionhook.ResultDenied, []string{digestRef}},
		{"protect: digest pushed elsewhere is the same content", `{"mode":"protect"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("quay.io/mirror/app@" + digest),
			false, admissionhook.ResultDenied, []string{"quay.io/mirror/app@"}},
		{"monitor: allowed with a warning", `{"mode":"monitor"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			true, admissionhook.ResultWouldDeny, []string{"monitor mode", `denied by rule "` + denyCVE.Name + `"`}},
		{"protect: unknown tag is not scanned, allowed by default", `{"mode":"protect","no_result":"allow"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("127.0.0.1:5000/team/app:9.9"),
			true, admissionhook.ResultAllowed, nil},
		{"protect: unknown tag denied by no-result deny", `{"mode":"protect","no_result":"deny"}`, []admission.Rule{denyCVE}, podGVK, "default", pod("127.0.0.1:5000/team/app:9.9"),
			false, admissionhook.ResultDenied, []string{"not scanned"}},
		{"protect: not-scanned rule", `{"mode":"protect","no_result":"allow"}`, []admission.Rule{denyUnscanned}, podGVK, "default", pod("nginx:1.25"),
			false, admissionhook.ResultDenied, []string{`"must-be-scanned"`, "not scanned"}},
		{"protect: count reached", `{"mode":"protect"}`, []admission.Rule{denyCount(len(rep.Vulnerabilities))}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			false, admissionhook.ResultDenied, []string{"too-many"}},
		{"protect: count one more is not reached", `{"mode":"protect"}`, []admission.Rule{denyCount(len(rep.Vulnerabilities) + 1)}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			true, admissionhook.ResultAllowed, nil},
		{"protect: without-fix finds none", `{"mode":"protect"}`, []admission.Rule{denyNoFix}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			true, admissionhook.ResultAllowed, nil},
		{"protect: stale result", `{"mode":"protect"}`, []admission.Rule{denyStale}, podGVK, "default", pod("127.0.0.1:5000/team/app:1.2"),
			false, admissionhook.ResultDenied, []string{`"stale"`}},
		{"protect: allow rule first", `{"mode":"protect"}`, []admission.Rule{denyCVE, allowTeam}, podGVK, "team-ns", pod("127.0.0.1:5000/team/app:1.2"),
			true, admissionhook.ResultAllowed, nil},
		{"protect: deployment init container", `{"mode":"protect"}`, []admission.Rule{denyCVE}, metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, "default",
			&appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d"}, Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{{Name: "migrate", Image: "127.0.0.1:5000/team/app:stable"}},
				Containers:     []corev1.Container{{Name: "main", Image: "nginx"}}}}}},
			false, admissionhook.ResultDenied, []string{`(initContainer "migrate")`}},
		{"protect: cronjob", `{"mode":"protect"}`, []admission.Rule{denyCVE}, metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, "default",
			&batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "cj"}, Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "job", Image: digestRef}}}}}}}},
			false, admissionhook.ResultDenied, []string{`(container "job")`}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setRules(tt.settings, tt.rules...)
			uid := "uid-" + string(rune('a'+i))
			resp := postReview(t, srv, reviewBody(t, uid, tt.gvk, tt.namespace, tt.obj))
			if string(resp.UID) != uid || resp.Allowed != tt.allowed {
				t.Fatalf("response %+v; want uid %s allowed %v", resp, uid, tt.allowed)
			}
			text := strings.Join(resp.Warnings, "\n")
			if !resp.Allowed {
				if resp.Result == nil || resp.Result.Code != 403 {
					t.Fatalf("refusal without a 403 status: %+v", resp)
				}
				text = resp.Result.Message
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(text, w) {
					t.Errorf("message %q lacks %q", text, w)
				}
			}
			if len(tt.wantMsg) == 0 && text != "" {
				t.Errorf("unexpected message %q", text)
			}
			// The decision is recorded, newest first.
			code, body := f.do(t, "GET", "/api/v1/admission/decisions?limit=1", f.reader, nil)
			var ds []store.Decision
			if err := json.Unmarshal(body, &ds); code != 200 || err != nil || len(ds) != 1 {
				t.Fatalf("decisions: %d %s", code, body)
			}
			if d := ds[0]; d.UID != uid || d.Result != tt.result || d.Allowed != tt.allowed || d.Namespace != tt.namespace || d.Kind != tt.gvk.Kind {
				t.Errorf("recorded %+v", d)
			}
		})
	}

	// The decision log shows which image was scanned and under which digest.
	code, body = f.do(t, "GET", "/api/v1/admission/decisions?result=denied&limit=1000", f.reader, nil)
	var denied []store.Decision
	if err := json.Unmarshal(body, &denied); code != 200 || err != nil {
		t.Fatalf("decisions: %d %s", code, body)
	}
	wantDenied := 0
	for _, tt := range tests {
		if tt.result == admissionhook.ResultDenied {
			wantDenied++
		}
	}
	if len(denied) != wantDenied {
		t.Errorf("%d denied decisions recorded, want %d", len(denied), wantDenied)
	}
	first := denied[len(denied)-1]
	if len(first.Images) != 1 || !first.Images[0].Scanned || first.Images[0].Digest != digest || first.Images[0].Resolved != "127.0.0.1:5000/team/app:1.2" {
		t.Errorf("first denial's image: %+v", first.Images)
	}

	// Metrics count by result and mode.
	code, body = f.do(t, "GET", "/metrics", "", nil)
	if code != 200 {
		t.Fatal(code)
	}
	counts := map[string]int{}
	for _, tt := range tests {
		mode := "protect"
		if tt.result == admissionhook.ResultWouldDeny || strings.Contains(tt.settings, "monitor") {
			mode = "monitor"
		}
		counts[`scanfleet_admission_decisions_total{mode="`+mode+`",result="`+tt.result+`"}`]++
	}
	for series, n := range counts {
		if want := series + " " + itoa(n); !strings.Contains(string(body), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestAdmissionRejectsPlainHTTPAndBadReviews(t *testing.T) {
	f := newFixture(t, Config{})
	body := reviewBody(t, "u", podGVK, "default", pod("nginx"))
	code, b := f.do(t, "POST", "/admission", "", body)
	if code != http.StatusForbidden || !strings.Contains(string(b), "HTTPS only") {
		t.Errorf("plain HTTP: %d %s", code, b)
	}
	srv := f.tlsServer(t)
	for _, bad := range []string{"{", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`} {
		resp, err := srv.Client().Post(srv.URL+"/admission", "application/json", strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d", bad, resp.StatusCode)
		}
	}
	// A pod without containers is allowed; a kind without pods is allowed and not recorded.
	resp := postReview(t, srv, reviewBody(t, "empty", podGVK, "default", pod()))
	if !resp.Allowed {
		t.Errorf("a pod without containers refused: %+v", resp)
	}
	cm := reviewBody(t, "cm2", metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, "default", &corev1.ConfigMap{})
	if resp := postReview(t, srv, cm); !resp.Allowed {
		t.Errorf("configmap refused: %+v", resp)
	}
	_, b = f.do(t, "GET", "/api/v1/admission/decisions", f.reader, nil)
	if strings.Contains(string(b), `"cm2"`) {
		t.Errorf("a configmap review was recorded: %s", b)
	}
}

func TestAdmissionRulesAPI(t *testing.T) {
	f := newFixture(t, Config{})
	rule := func(name string) []byte {
		return []byte(`{"name":"` + name + `","action":"deny","criteria":{"severity":"high","min_count":2,"fix":"with"}}`)
	}
	steps := []struct {
		method, path, token string
		body                []byte
		code                int
	}{
		{"POST", "/api/v1/admission/rules", f.reader, rule("a"), 403},
		{"POST", "/api/v1/admission/rules", f.scanner, rule("a"), 403},
		{"POST", "/api/v1/admission/rules", "", rule("a"), 401},
		{"POST", "/api/v1/admission/rules", f.admin, rule("a"), 201},
		{"POST", "/api/v1/admission/rules", f.admin, rule("a"), 409},
		{"POST", "/api/v1/admission/rules", f.admin, rule("b"), 201},
		{"POST", "/api/v1/admission/rules", f.admin, []byte(`{"name":"c","action":"deny","criteria":{}}`), 400},
		{"POST", "/api/v1/admission/rules", f.admin, []byte(`{"name":"c","action":"deny","criteria":{"severity":"bad"}}`), 400},
		{"POST", "/api/v1/admission/rules", f.admin, []byte(`{"name":"c","action":"deny","criteria":{"scanned_older_than":"soon"}}`), 400},
		{"PUT", "/api/v1/admission/rules/a", f.admin, []byte(`{"action":"allow","criteria":{"namespaces":["kube-system"]}}`), 200},
		{"PUT", "/api/v1/admission/rules/c", f.admin, []byte(`{"name":"other","action":"allow","criteria":{"namespaces":["x"]}}`), 400},
		{"PUT", "/api/v1/admission/rules/c", f.admin, []byte(`{"action":"deny","criteria":{"not_scanned":true}}`), 201},
		{"GET", "/api/v1/admission/rules/b", f.reader, nil, 200},
		{"GET", "/api/v1/admission/rules/zz", f.reader, nil, 404},
		{"DELETE", "/api/v1/admission/rules/b", f.reader, nil, 403},
		{"DELETE", "/api/v1/admission/rules/b", f.admin, nil, 204},
		{"DELETE", "/api/v1/admission/rules/b", f.admin, nil, 404},
		{"GET", "/api/v1/admission/settings", f.reader, nil, 200},
		{"PUT", "/api/v1/admission/settings", f.reader, []byte(`{"mode":"protect"}`), 403},
		{"PUT", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"enforce"}`), 400},
		{"PUT", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"protect"}`), 200},
		{"PUT", "/api/v1/admission/settings", f.admin, []byte(`{"no_result":"deny"}`), 200},
		{"GET", "/api/v1/admission/decisions?result=maybe", f.reader, nil, 400},
		{"GET", "/api/v1/admission/decisions?limit=0", f.reader, nil, 400},
	}
	for _, s := range steps {
		if code, body := f.do(t, s.method, s.path, s.token, s.body); code != s.code {
			t.Errorf("%s %s: %d, want %d: %s", s.method, s.path, code, s.code, body)
		}
	}
	// "a" was replaced in place, "c" appended after it; "b" is gone.
	_, body := f.do(t, "GET", "/api/v1/admission/rules", f.reader, nil)
	var rules []admission.Rule
	if err := json.Unmarshal(body, &rules); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rules {
		names = append(names, r.Name+":"+string(r.Action))
	}
	if want := []string{"a:allow", "c:deny"}; !slices.Equal(names, want) {
		t.Errorf("rules %v, want %v", names, want)
	}
	// The partial settings updates kept each other's field.
	_, body = f.do(t, "GET", "/api/v1/admission/settings", f.reader, nil)
	var st admission.Settings
	if err := json.Unmarshal(body, &st); err != nil || st.Mode != admission.Protect || st.NoResult != admission.Deny {
		t.Errorf("settings %s", body)
	}
}

func TestAdmissionConfigFile(t *testing.T) {
	fc, err := ParseConfig([]byte(`
admission:
  mode: protect
  rules:
    - name: trusted
      action: allow
      criteria: {registries: ["registry.internal"]}
    - name: critical
      action: deny
      criteria: {severity: critical}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Config{File: fc})
	_, body := f.do(t, "GET", "/api/v1/admission/rules", f.reader, nil)
	var rules []admission.Rule
	if err := json.Unmarshal(body, &rules); err != nil || len(rules) != 2 || rules[0].Name != "trusted" || rules[1].Criteria.Severity != "CRITICAL" {
		t.Fatalf("rules from the config file: %s", body)
	}
	_, body = f.do(t, "GET", "/api/v1/admission/settings", f.reader, nil)
	if !strings.Contains(string(body), `"mode":"protect"`) || !strings.Contains(string(body), `"no_result":"allow"`) {
		t.Errorf("settings %s", body)
	}
	for _, bad := range []string{
		"admission: {mode: strict}",
		"admission: {rules: [{name: x, action: deny, criteria: {}}]}",
		"admission: {rules: [{name: x, action: deny, criteria: {scanned_older_than: 3w}}]}",
	} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestSubmitHostsAndErrors(t *testing.T) {
	f := newFixture(t, Config{})
	img := reporttest.Alpine(t)
	host := *img
	host.Image = nil
	host.Host = &report.Host{Hostname: "node-1", Kernel: "6.1.0-test", Root: "/"}
	code, body := f.submit(t, f.scanner, &host)
	if code != http.StatusCreated || !strings.Contains(string(body), `"host":"node-1"`) {
		t.Fatalf("host submit: %d %s", code, body)
	}
	raw, _ := json.Marshal(&host)
	if code, body := f.do(t, "POST", "/api/v1/results", f.admin, mustJSON(t, api.SubmitRequest{Report: raw, Name: "rack4-node1"})); code != 201 {
		t.Fatalf("named host submit: %d %s", code, body)
	}
	code, body = f.do(t, "GET", "/api/v1/hosts", f.reader, nil)
	var hs []store.HostSummary
	if err := json.Unmarshal(body, &hs); code != 200 || err != nil || len(hs) != 2 {
		t.Fatalf("hosts: %d %s", code, body)
	}
	h := hs[0]
	if h.Name != "node-1" || h.Hostname != "node-1" || h.Kernel != "6.1.0-test" || h.Vulnerabilities != len(img.Vulnerabilities) || h.Packages != len(img.Packages) || h.OS == "" {
		t.Errorf("host %+v", h)
	}
	code, body = f.do(t, "GET", "/api/v1/hosts/node-1", f.reader, nil)
	var back report.Report
	if err := json.Unmarshal(body, &back); code != 200 || err != nil || back.Host == nil || back.Host.Hostname != "node-1" || len(back.Vulnerabilities) != len(img.Vulnerabilities) {
		t.Errorf("host report: %d %.200s", code, body)
	}
	if code, _ := f.do(t, "GET", "/api/v1/hosts/nope", f.reader, nil); code != 404 {
		t.Errorf("unknown host: %d", code)
	}
	// Hosts are not images.
	if _, body := f.do(t, "GET", "/api/v1/images", f.reader, nil); strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("a host report became an image: %s", body)
	}

	noDB := *img
	noDB.DB = nil
	noDigest := *img
	noDigest.Image = &report.Image{Reference: "127.0.0.1:5000/a/b:1", Layers: []report.Layer{}}
	otherDigest := "sha256:" + strings.Repeat("a", 64)
	tests := []struct {
		name  string
		token string
		body  []byte
		code  int
		want  string
	}{
		{"reader may not submit", f.reader, mustJSON(t, api.SubmitRequest{Report: raw}), 403, ""},
		{"no token", "", mustJSON(t, api.SubmitRequest{Report: raw}), 401, ""},
		{"no report", f.scanner, []byte(`{}`), 400, "no report"},
		{"not a report", f.scanner, []byte(`{"report":[1]}`), 400, "report"},
		{"neither image nor host", f.scanner, []byte(`{"report":{"schema_version":"1.0","db":{"digest":"sha256:x"}}}`), 400, "image or a host"},
		{"packages only", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, &noDB)}), 400, "not matched against a vulnerability database"},
		{"archive reference", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), References: []string{"docker-archive:/x.tar"}}), 400, "not a registry reference"},
		{"bad reference", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), References: []string{"Bad Ref"}}), 400, "image reference"},
		{"no digest anywhere", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, &noDigest)}), 400, "no image digest"},
		{"bad host name", f.scanner, mustJSON(t, api.SubmitRequest{Report: raw, Name: "a/b"}), 400, "host name"},
		// One platform of an image index (scan --platform all).
		{"index without platform", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), IndexDigest: otherDigest}), 400, "without platform"},
		{"platform without index", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), Platform: "linux/amd64"}), 400, "without index_digest"},
		{"bad index digest", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), IndexDigest: "sha256:xyz", Platform: "linux/amd64"}), 400, "want sha256:"},
		{"bad platform", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), IndexDigest: otherDigest, Platform: "linux"}), 400, "want os/arch"},
		{"host with an index", f.scanner, mustJSON(t, api.SubmitRequest{Report: raw, IndexDigest: otherDigest, Platform: "linux/amd64"}), 400, "host report has no image index"},
		{"index is the image", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), IndexDigest: img.Image.Digest, Platform: "linux/amd64"}), 400, "not the index's"},
		{"reference names another digest", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), IndexDigest: otherDigest, Platform: "linux/amd64",
			References: []string{"r.example/a/b@sha256:" + strings.Repeat("b", 64)}}), 400, "names neither the image index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(t, "POST", "/api/v1/results", tt.token, tt.body)
			if code != tt.code || !strings.Contains(string(body), tt.want) {
				t.Errorf("%d %s; want %d with %q", code, body, tt.code, tt.want)
			}
		})
	}
}

// TestSubmitUnderConfiguredRegistry: a result for an image of a
// configured registry is stored under that registry's name, as crawled
// results are, and admission finds it either way.
func TestSubmitUnderConfiguredRegistry(t *testing.T) {
	f := newFixture(t, Config{})
	ctx := context.Background()
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "team", URL: "http://127.0.0.1:5000"}}); err != nil {
		t.Fatal(err)
	}
	rep := reporttest.Alpine(t)
	if code, body := f.submit(t, f.scanner, rep, "127.0.0.1:5000/team/app:1.2"); code != 201 || !strings.Contains(string(body), `"registry":"team"`) {
		t.Fatalf("submit: %d %s", code, body)
	}
	_, body := f.do(t, "GET", "/api/v1/images?registry=team", f.reader, nil)
	if !strings.Contains(string(body), `"reference":"127.0.0.1:5000/team/app@`+rep.Image.Digest+`"`) {
		t.Errorf("images: %s", body)
	}
	if code, body := f.do(t, "PUT", "/api/v1/admission/rules/cve", f.admin, mustJSON(t, admission.Rule{Action: admission.Deny, Mode: admission.Protect,
		Criteria: admission.Criteria{CVEs: alpineAnswerCVEs(t)[:1]}})); code != 201 {
		t.Fatalf("rule: %d %s", code, body)
	}
	resp := postReview(t, f.tlsServer(t), reviewBody(t, "u", podGVK, "default", pod("127.0.0.1:5000/team/app:1.2")))
	if resp.Allowed {
		t.Errorf("the image of a configured registry was not found: %+v", resp)
	}
}

func TestOpenAPISubmitAdmissionSchemas(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	for name, v := range map[string]any{
		"SubmitRequest":          api.SubmitRequest{},
		"SubmitResponse":         api.SubmitResponse{},
		"StoredImage":            api.StoredImage{},
		"HostSummary":            store.HostSummary{},
		"AdmissionRule":          admission.Rule{},
		"AdmissionCriteria":      admission.Criteria{},
		"AdmissionSettings":      admission.Settings{},
		"AdmissionVerdict":       admission.Verdict{},
		"AdmissionImageDecision": store.ImageDecision{},
		"AdmissionDecision":      store.Decision{},
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		slices.Sort(props)
		if want := jsonFields(reflect.TypeOf(v)); !slices.Equal(props, want) {
			t.Errorf("schema %s has properties %v; the Go type encodes %v", name, props, want)
		}
	}
}

// TestOpenAPISubmitAdmissionAnswers validates live answers of the submit,
// hosts and admission routes against the schemas the document gives.
func TestOpenAPISubmitAdmissionAnswers(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	f := newFixture(t, Config{})
	img := reporttest.Alpine(t)
	host := *img
	host.Image, host.Host = nil, &report.Host{Hostname: "node-1", Root: "/"}
	srv := f.tlsServer(t)
	for _, tc := range []struct {
		method, path, docPath, token string
		body                         []byte
		status                       int
	}{
		{"POST", "/api/v1/results", "/api/v1/results", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, img), References: []string{"r.example/a/b:1"}}), 201},
		{"POST", "/api/v1/results", "/api/v1/results", f.scanner, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, &host)}), 201},
		{"POST", "/api/v1/results", "/api/v1/results", f.scanner, []byte(`{}`), 400},
		{"GET", "/api/v1/hosts", "/api/v1/hosts", f.reader, nil, 200},
		{"GET", "/api/v1/hosts/node-1", "/api/v1/hosts/{name}", f.reader, nil, 200},
		{"POST", "/api/v1/admission/rules", "/api/v1/admission/rules", f.admin, []byte(`{"name":"r","action":"deny","mode":"protect","criteria":{"severity":"LOW","scanned_older_than":"7d"}}`), 201},
		{"PUT", "/api/v1/admission/rules/u", "/api/v1/admission/rules/{name}", f.admin, []byte(`{"action":"deny","criteria":{"not_scanned":true}}`), 201},
		{"GET", "/api/v1/admission/rules", "/api/v1/admission/rules", f.reader, nil, 200},
		{"GET", "/api/v1/admission/rules/r", "/api/v1/admission/rules/{name}", f.reader, nil, 200},
		{"PUT", "/api/v1/admission/settings", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"monitor"}`), 200},
		{"GET", "/api/v1/admission/settings", "/api/v1/admission/settings", f.reader, nil, 200},
		{"POST", "/admission", "/admission", "", reviewBody(t, "x", podGVK, "ns", pod("r.example/a/b:1", "r.example/a/b:2")), 200},
		{"GET", "/api/v1/admission/decisions", "/api/v1/admission/decisions", f.reader, nil, 200},
		{"DELETE", "/api/v1/admission/rules/r", "/api/v1/admission/rules/{name}", f.admin, nil, 204},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			checkAnswer(t, doc, tc.method, tc.docPath, resp.StatusCode, body)
		})
	}
}

// BenchmarkAdmissionReview measures one webhook call over TLS for a Pod
// of three containers whose images resolve to a stored result (tag lookup,
// report decoding, rule evaluation, decision recorded).
func BenchmarkAdmissionReview(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	scanner, err := CreateToken(ctx, dir, RoleScanner)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(ctx, Config{DataDir: dir, Reviews: review.Codec{}})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	srv := httptest.NewTLSServer(c.Handler())
	defer srv.Close()
	raw, _ := json.Marshal(reporttest.Alpine(b))
	body, _ := json.Marshal(api.SubmitRequest{Report: raw, References: []string{"r.example/a/b:1"}})
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/results", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+scanner)
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 201 {
		b.Fatal(err, resp)
	}
	if err := c.admission.Apply(ctx, &admission.Policy{Settings: admission.Settings{Mode: admission.Protect},
		Rules: []admission.Rule{{Name: "r", Action: admission.Deny, Criteria: admission.Criteria{Severity: "CRITICAL"}}}}); err != nil {
		b.Fatal(err)
	}
	p, _ := json.Marshal(pod("r.example/a/b:1", "r.example/a/b:1", "nginx:1"))
	review, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "u", Kind: podGVK, Namespace: "default", Operation: admissionv1.Create,
			Object: runtime.RawExtension{Raw: p}},
	})
	client := srv.Client()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Post(srv.URL+"/admission", "application/json", bytes.NewReader(review))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

// TestCrawledTagsAdmission: an image crawled under two tags and scanned
// once by a scanner (whose task carries one tag) is judged under either
// tag, and a tag the crawl saw moving to an unscanned digest is not
// scanned any more.
func TestCrawledTagsAdmission(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	rep := reporttest.Alpine(t)
	build := func(content string) v1.Image { return oneFileImage(t, "etc/x", content) }
	repo := "adm-" + randomHex(4) + "/app"
	img := build("one\n")
	imagetest.Push(t, img, host+"/"+repo+":1.0")
	imagetest.Push(t, img, host+"/"+repo+":latest")

	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + host, Filters: []string{repo + ":*"}}}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.c.Crawl(ctx, "local", 0); err != nil || n != 1 {
		t.Fatalf("crawl: %d tasks, %v; want 1 (one digest)", n, err)
	}
	var reg api.RegisterResponse
	if code, body := f.do(t, "POST", "/api/v1/scanners", f.scanner, mustJSON(t, api.RegisterRequest{Name: "s", Concurrency: 1})); code != 201 || json.Unmarshal(body, &reg) != nil {
		t.Fatalf("register: %d %s", code, body)
	}
	var lease api.LeaseResponse
	if code, body := f.do(t, "POST", "/api/v1/scanners/"+reg.ID+"/lease", f.scanner, mustJSON(t, api.LeaseRequest{Max: 1})); code != 200 || json.Unmarshal(body, &lease) != nil || len(lease.Tasks) != 1 {
		t.Fatalf("lease: %d %s", code, body)
	}
	// The scanner's report: the Alpine findings stand in for this image's.
	if code, body := f.do(t, "POST", "/api/v1/tasks/"+lease.Tasks[0].ID+"/result", f.scanner, mustJSON(t, api.ResultRequest{Scanner: reg.ID, Report: mustJSON(t, rep)})); code != 204 {
		t.Fatalf("result: %d %s", code, body)
	}
	if code, body := f.do(t, "PUT", "/api/v1/admission/rules/cve", f.admin, mustJSON(t, admission.Rule{Action: admission.Deny, Mode: admission.Protect,
		Criteria: admission.Criteria{CVEs: alpineAnswerCVEs(t)[:1]}})); code != 201 {
		t.Fatalf("rule: %d %s", code, body)
	}
	srv := f.tlsServer(t)
	for _, tag := range []string{"1.0", "latest"} {
		if resp := postReview(t, srv, reviewBody(t, tag, podGVK, "default", pod(host+"/"+repo+":"+tag))); resp.Allowed {
			t.Errorf("%s: allowed, want denied as scanned", tag)
		}
	}
	// latest moves to a new build; the crawl sees it before any scan.
	imagetest.Push(t, build("two\n"), host+"/"+repo+":latest")
	if _, err := f.c.Crawl(ctx, "local", 0); err != nil {
		t.Fatal(err)
	}
	if resp := postReview(t, srv, reviewBody(t, "moved", podGVK, "default", pod(host+"/"+repo+":latest"))); !resp.Allowed {
		t.Errorf("moved tag judged by the old digest's result: %+v", resp)
	}
	_, body := f.do(t, "GET", "/api/v1/admission/decisions?limit=1", f.reader, nil)
	if !strings.Contains(string(body), `"scanned":false`) {
		t.Errorf("moved tag: %s", body)
	}
	if resp := postReview(t, srv, reviewBody(t, "kept", podGVK, "default", pod(host+"/"+repo+":1.0"))); resp.Allowed {
		t.Errorf("1.0 no longer judged: %+v", resp)
	}
}

// A result that looks clean only because the database had no data for the
// image's OS is caught by a not_covered rule: the Alpine root filesystem
// matched against Go advisories alone has no findings and an uncovered
// Alpine release.
func TestAdmissionNotCovered(t *testing.T) {
	f := newFixture(t, Config{})
	srv := f.tlsServer(t)
	rep := reporttest.Scan(t, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "registry.example:5000/library/alpine:3.20.3", "osv-go-vulndb.tar.gz")
	var uncovered []string
	for _, c := range rep.Coverage {
		if !c.Covered {
			uncovered = append(uncovered, c.Ecosystem)
		}
	}
	if len(rep.Vulnerabilities) != 0 || len(uncovered) == 0 {
		t.Fatalf("want a clean-looking report with an uncovered ecosystem; got %d findings, coverage %+v", len(rep.Vulnerabilities), rep.Coverage)
	}
	if code, body := f.submit(t, f.scanner, rep, "127.0.0.1:5000/team/base:1"); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	rule := admission.Rule{Name: "complete-data-only", Action: admission.Deny, Criteria: admission.Criteria{NotCovered: true}}
	if code, body := f.do(t, "POST", "/api/v1/admission/rules", f.admin, mustJSON(t, rule)); code != http.StatusCreated {
		t.Fatalf("create rule: %d %s", code, body)
	}
	if code, body := f.do(t, "PUT", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"protect"}`)); code != http.StatusOK {
		t.Fatalf("settings: %d %s", code, body)
	}
	resp := postReview(t, srv, reviewBody(t, "uid-nc", podGVK, "default", pod("127.0.0.1:5000/team/base:1")))
	if resp.Allowed || resp.Result == nil {
		t.Fatalf("allowed an image whose OS the database does not cover: %+v", resp)
	}
	for _, want := range []string{`"complete-data-only"`, "no vulnerability data for " + uncovered[0]} {
		if !strings.Contains(resp.Result.Message, want) {
			t.Errorf("message %q lacks %q", resp.Result.Message, want)
		}
	}
	// The Alpine image matched against Alpine's own advisories is covered.
	full := reporttest.Alpine(t)
	if code, body := f.submit(t, f.scanner, full, "127.0.0.1:5000/team/covered:1"); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	if resp := postReview(t, srv, reviewBody(t, "uid-c", podGVK, "default", pod("127.0.0.1:5000/team/covered:1"))); !resp.Allowed {
		t.Errorf("denied a fully covered image: %+v", resp.Result)
	}
}

// A controller built without the Kubernetes integration (the scanfleet
// binary) answers admission reviews with 501 and says which binary serves
// them, rather than allowing everything silently.
func TestAdmissionWithoutReviewCodec(t *testing.T) {
	c, err := New(context.Background(), Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	srv := httptest.NewTLSServer(c.Handler())
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Post(srv.URL+"/admission", "application/json", bytes.NewReader(reviewBody(t, "u1", podGVK, "default", pod("nginx:1.25"))))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotImplemented || !strings.Contains(string(b), "scanfleet-controller") {
		t.Errorf("POST /admission: %d %s; want 501 naming scanfleet-controller", resp.StatusCode, b)
	}
}
