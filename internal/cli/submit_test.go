package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func TestJoinURL(t *testing.T) {
	tests := []struct {
		addr, port, want, err string
	}{
		{"controller.scanfleet", "", "https://controller.scanfleet:8480", ""},
		{"10.0.0.7", "18400", "https://10.0.0.7:18400", ""},
		{"fd00::1", "", "https://[fd00::1]:8480", ""},
		{"[fd00::1]", "443", "https://[fd00::1]:443", ""},
		{"ctl.example:9000", "", "https://ctl.example:9000", ""},
		{"[fd00::1]:9000", "8480", "https://[fd00::1]:9000", ""},
		{"ctl.example:x", "", "", "bad port"},
		{":9000", "", "", "CLUSTER_JOIN_ADDR"},
		{"http://127.0.0.1:8480", "", "http://127.0.0.1:8480", ""},
		{"https://ctl.example/", "9443", "https://ctl.example:9443", ""},
		{"https://ctl.example:1234", "9443", "https://ctl.example:1234", ""},
		{"ftp://ctl", "", "", "CLUSTER_JOIN_ADDR"},
		{"ctl/path", "", "", "CLUSTER_JOIN_ADDR"},
		{"ctl", "port", "", "CLUSTER_JOIN_PORT"},
	}
	for _, tt := range tests {
		got, err := joinURL(tt.addr, tt.port)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("joinURL(%q, %q) = %q, %v; want an error about %s", tt.addr, tt.port, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("joinURL(%q, %q) = %q, %v; want %q", tt.addr, tt.port, got, err, tt.want)
		}
	}
}

// tlsController is an in-process controller served over HTTPS, with the
// PEM of its certificate in a file for --controller-ca.
type tlsController struct {
	srv                    *httptest.Server
	ca                     string
	admin, scanner, reader string
}

func newTLSController(t *testing.T) *tlsController {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	tc := &tlsController{}
	var err error
	for role, dst := range map[api.Role]*string{api.RoleAdmin: &tc.admin, api.RoleScanner: &tc.scanner, api.RoleReader: &tc.reader} {
		if *dst, err = controller.CreateToken(ctx, dir, role); err != nil {
			t.Fatal(err)
		}
	}
	c, err := controller.New(ctx, controller.Config{DataDir: dir, Reviews: review.Codec{}})
	if err != nil {
		t.Fatal(err)
	}
	tc.srv = httptest.NewTLSServer(c.Handler())
	t.Cleanup(func() {
		tc.srv.Close()
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	tc.ca = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(tc.ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tc.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tc
}

func (tc *tlsController) call(t *testing.T, method, path, token string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, tc.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := tc.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// admit asks the webhook about a Pod running image, as the API server
// would, and returns the response.
func (tc *tlsController) admit(t *testing.T, image string) *admissionv1.AdmissionResponse {
	t.Helper()
	return admit(t, tc.srv.Client(), tc.srv.URL, "default", image)
}

// admit sends the controller at base the AdmissionReview the API server
// sends for a Pod in namespace running image, and returns the answer.
func admit(t *testing.T, hc *http.Client, base, namespace, image string) *admissionv1.AdmissionResponse {
	t.Helper()
	raw, _ := json.Marshal(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: namespace},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}})
	body, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "u", Kind: metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, Namespace: namespace,
			Operation: admissionv1.Create, Object: runtime.RawExtension{Raw: raw}},
	})
	resp, err := hc.Post(base+"/admission", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ar admissionv1.AdmissionReview
	if err := json.Unmarshal(b, &ar); resp.StatusCode != 200 || err != nil || ar.Response == nil {
		t.Fatalf("admission: %d %s", resp.StatusCode, b)
	}
	return ar.Response
}

func (tc *tlsController) setRules(t *testing.T, rules ...admission.Rule) {
	t.Helper()
	code, body := tc.call(t, "GET", "/api/v1/admission/rules", tc.reader, nil)
	var have []admission.Rule
	if err := json.Unmarshal(body, &have); code != 200 || err != nil {
		t.Fatalf("rules: %d %s", code, body)
	}
	for _, r := range have {
		tc.call(t, "DELETE", "/api/v1/admission/rules/"+r.Name, tc.admin, nil)
	}
	for _, r := range rules {
		b, _ := json.Marshal(r)
		if code, body := tc.call(t, "POST", "/api/v1/admission/rules", tc.admin, b); code != 201 {
			t.Fatalf("rule: %d %s", code, body)
		}
	}
}

// firstAnswerCVE is the first CVE of the Alpine 3.20.3 answer file.
func firstAnswerCVE(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if f := strings.Fields(ln); len(f) == 4 && !strings.HasPrefix(ln, "#") {
			return f[3]
		}
	}
	t.Fatal("no answers")
	return ""
}

// TestOnDemandJoinGatesAdmission: NeuVector's standalone invocation with
// CLUSTER_JOIN_ADDR set sends the report to the controller, whose
// admission webhook then refuses the image it was scanned as, or admits
// it when no rule objects.
func TestOnDemandJoinGatesAdmission(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	host := imagetest.Registry(t)
	imagetest.Push(t, imagetest.FromRootFS(t, rootfs), host+"/team/alpine:3.20.3")
	image := host + "/team/alpine:3.20.3"
	tc := newTLSController(t)
	cve := firstAnswerCVE(t)
	tc.setRules(t, admission.Rule{Name: "no-" + strings.ToLower(cve), Action: admission.Deny, Criteria: admission.Criteria{CVEs: []string{cve}}})
	if code, body := tc.call(t, "PUT", "/api/v1/admission/settings", tc.admin, []byte(`{"mode":"protect"}`)); code != 200 {
		t.Fatalf("settings: %d %s", code, body)
	}
	// Not scanned yet: the default no-result action allows it.
	if resp := tc.admit(t, image); !resp.Allowed {
		t.Fatalf("before the scan: %+v", resp)
	}

	u, _ := url.Parse(tc.srv.URL)
	environ := map[string]string{
		"SCANNER_ON_DEMAND":       "true",
		"SCANNER_REGISTRY":        "http://" + host,
		"SCANNER_REPOSITORY":      "team/alpine",
		"SCANNER_TAG":             "3.20.3",
		"SCANFLEET_RESULTS_DIR":   t.TempDir(),
		"SCANFLEET_DB":            alpineDB(t),
		"CLUSTER_JOIN_ADDR":       u.Hostname(),
		"CLUSTER_JOIN_PORT":       u.Port(),
		"CLUSTER_ADVERTISED_ADDR": "ci-node-3",
		"SCANFLEET_TOKEN":         tc.scanner,
		"SCANFLEET_CONTROLLER_CA": tc.ca,
	}
	r := runCLI(t, environ)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "report sent to https://"+u.Host) || !strings.Contains(r.stderr, "(tags 3.20.3)") {
		t.Errorf("stderr %q", r.stderr)
	}
	resp := tc.admit(t, image)
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, `image "`+image+`"`) || !strings.Contains(resp.Result.Message, `"no-`+strings.ToLower(cve)+`"`) {
		t.Fatalf("after the scan: %+v", resp)
	}
	_, body := tc.call(t, "GET", "/api/v1/images?repository=team/alpine", tc.reader, nil)
	if !strings.Contains(string(body), `"scanned_by":"standalone:ci-node-3"`) {
		t.Errorf("images: %s", body)
	}
	// No rule objects to this image's findings (all UNKNOWN severity): it
	// is scanned and admissible.
	tc.setRules(t, admission.Rule{Name: "no-critical", Action: admission.Deny, Criteria: admission.Criteria{Severity: "CRITICAL"}})
	if resp := tc.admit(t, image); !resp.Allowed {
		t.Fatalf("with a rule it does not break: %+v", resp)
	}
	_, body = tc.call(t, "GET", "/api/v1/admission/decisions?limit=1", tc.reader, nil)
	if !strings.Contains(string(body), `"scanned":true`) {
		t.Errorf("last decision: %s", body)
	}
}

// TestScanFlagsSubmit: a pipeline scans an archive and names the registry
// reference it will push as.
func TestScanFlagsSubmit(t *testing.T) {
	archive := filepath.Join(t.TempDir(), "alpine.tar")
	tag, _ := name.NewTag("test/alpine:3.20.3")
	if err := tarball.WriteToFile(archive, tag, imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))); err != nil {
		t.Fatal(err)
	}
	tc := newTLSController(t)
	cve := firstAnswerCVE(t)
	tc.setRules(t, admission.Rule{Name: "cve", Action: admission.Deny, Mode: admission.Protect, Criteria: admission.Criteria{CVEs: []string{cve}}})
	db := alpineDB(t)
	send := []string{"--controller", tc.srv.URL, "--controller-ca", tc.ca, "--controller-ref", "registry.example/team/app:2.0", "--controller-ref", "registry.example/team/app:latest"}

	// --severity filters the local output only: the controller gets every
	// finding.
	r := runCLI(t, map[string]string{"SCANFLEET_TOKEN": tc.scanner}, append([]string{"scan", "-q", "--db", db, "--severity", "CRITICAL", "-f", "json", "docker-archive:" + archive}, send...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rep := decode(t, r.stdout); len(rep.Vulnerabilities) != 0 {
		t.Errorf("local output not filtered: %d findings", len(rep.Vulnerabilities))
	}
	for _, img := range []string{"registry.example/team/app:2.0", "registry.example/team/app:latest", "registry.example/team/app"} {
		if resp := tc.admit(t, img); resp.Allowed {
			t.Errorf("%s admitted: %+v", img, resp)
		}
	}
	if resp := tc.admit(t, "registry.example/team/app:3.0"); !resp.Allowed {
		t.Errorf("an unknown tag was refused: %+v", resp)
	}

	tests := []struct {
		name    string
		environ map[string]string
		args    []string
		code    int
		stderr  string
	}{
		{"no token", nil, append([]string{"scan", "-q", "--db", db, "-f", "json", "docker-archive:" + archive}, send...), ExitUsage, "needs a scanner token"},
		{"reader token", map[string]string{"SCANFLEET_TOKEN": tc.reader}, append([]string{"scan", "-q", "--db", db, "-f", "json", "docker-archive:" + archive}, send...), ExitError, "HTTP 403"},
		{"packages only", map[string]string{"SCANFLEET_TOKEN": tc.scanner}, append([]string{"scan", "-q", "--skip-db", "-f", "json", "docker-archive:" + archive}, send...), ExitUsage, "--skip-db reports have no findings"},
		{"packages only host", map[string]string{"SCANFLEET_TOKEN": tc.scanner, "CLUSTER_JOIN_ADDR": "ctl.example"}, []string{"host", "--root", t.TempDir(), "--skip-db", "-q"}, ExitUsage, "--skip-db reports have no findings"},
		{"archive without a reference", map[string]string{"SCANFLEET_TOKEN": tc.scanner}, []string{"scan", "-q", "--db", db, "-f", "json", "--controller", tc.srv.URL, "--controller-ca", tc.ca, "docker-archive:" + archive}, ExitError, "not a registry reference"},
		{"untrusted TLS", map[string]string{"SCANFLEET_TOKEN": tc.scanner}, []string{"scan", "-q", "--db", db, "-f", "json", "--controller", tc.srv.URL, "--controller-ref", "a.example/b:1", "docker-archive:" + archive}, ExitError, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.environ, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			// The local report is written whatever happened to the upload.
			if tt.code == ExitError && !strings.Contains(r.stdout, `"vulnerabilities"`) {
				t.Errorf("no local report: %.200s", r.stdout)
			}
		})
	}
}

// TestHostSubmit: host reports go to the controller and are listed as
// hosts.
func TestHostSubmit(t *testing.T) {
	root := extractRootfs(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	tc := newTLSController(t)
	u, _ := url.Parse(tc.srv.URL)
	r := runCLI(t, map[string]string{"CLUSTER_JOIN_ADDR": u.Host, "SCANFLEET_TOKEN": tc.scanner, "SCANFLEET_CONTROLLER_CA": tc.ca},
		"scan", "host", "--root", root, "--db", alpineDB(t), "-f", "json", "-q", "--controller-name", "node-a")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	local := decode(t, r.stdout)
	code, body := tc.call(t, "GET", "/api/v1/hosts", tc.reader, nil)
	var hosts []api.HostSummary
	if err := json.Unmarshal(body, &hosts); code != 200 || err != nil || len(hosts) != 1 {
		t.Fatalf("hosts: %d %s", code, body)
	}
	if h := hosts[0]; h.Name != "node-a" || h.Root != root || h.Vulnerabilities != len(local.Vulnerabilities) || h.Packages != len(local.Packages) {
		t.Errorf("host %+v; local report has %d findings, %d packages", h, len(local.Vulnerabilities), len(local.Packages))
	}
	code, body = tc.call(t, "GET", "/api/v1/hosts/node-a", tc.reader, nil)
	if rep := decode(t, string(body)); code != 200 || rep.Host == nil || rep.Host.Root != root {
		t.Errorf("host report: %d %.200s", code, body)
	}
	checkAnswers(t, decode(t, string(body)).Vulnerabilities)
}

// FuzzJoinURL: whatever CLUSTER_JOIN_ADDR/PORT hold, the answer is an
// error or an http(s) URL with a host.
func FuzzJoinURL(f *testing.F) {
	for _, s := range [][2]string{{"ctl", ""}, {"10.0.0.1", "18400"}, {"[fd00::1]:9", ""}, {"https://c:1/", "2"}, {"a b", "x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, addr, port string) {
		s, err := joinURL(addr, port)
		if err != nil {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("joinURL(%q, %q) = %q: not a usable URL (%v)", addr, port, s, err)
		}
	})
}
