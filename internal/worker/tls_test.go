package worker_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// buildBinary builds cmd/scanfleet into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "scanfleet")
	build := exec.Command("go", "build", "-o", bin, "./cmd/scanfleet")
	build.Dir = testutil.ModuleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scanfleet test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestProcessTLS serves the API over TLS: a client trusting the CA gets
// through, plain HTTP does not, and a scanner registers with --ca-cert but
// refuses the controller without it.
func TestProcessTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	certFile, keyFile := selfSigned(t, tmp)
	data := filepath.Join(tmp, "data")
	out, err := exec.Command(bin, "controller", "token", "create", "--role", "admin", "--data-dir", data).Output()
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(out))

	ctl := exec.Command(bin, "controller", "--listen", "127.0.0.1:0", "--data-dir", data, "--tls-cert", certFile, "--tls-key", keyFile)
	stdout, err := ctl.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ctl.Process.Signal(syscall.SIGTERM); _ = ctl.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))

	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(url string) (int, []byte, error) {
		req, err := http.NewRequest("GET", url, nil)
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, err = bufio.NewReader(resp.Body).WriteTo(&b)
		return resp.StatusCode, []byte(b.String()), err
	}
	if code, _, err := get("https://" + addr + "/api/v1/queue"); err != nil || code != 200 {
		t.Fatalf("GET over TLS: %d %v", code, err)
	}
	if code, _, err := get("http://" + addr + "/api/v1/queue"); err == nil && code == 200 {
		t.Error("plain HTTP served on the TLS port")
	}

	// Without the CA the scanner refuses the controller's certificate.
	bad := exec.Command(bin, "scanner", "--controller", "https://"+addr, "--token", tok)
	if out, err := bad.CombinedOutput(); err == nil || !strings.Contains(string(out), "certificate") {
		t.Errorf("scanner without --ca-cert: err %v, output %s", err, out)
	}

	sc := exec.Command(bin, "scanner", "--controller", "https://"+addr, "--ca-cert", certFile, "--name", "tls-scanner", "--poll-interval", "50ms")
	sc.Env = append(os.Environ(), "SCANFLEET_TOKEN="+tok)
	if err := sc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sc.Process.Kill() })
	var registered bool
	for deadline := time.Now().Add(20 * time.Second); !registered && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body, err := get("https://" + addr + "/api/v1/scanners")
		var scs []controller.Scanner
		if err == nil && json.Unmarshal(body, &scs) == nil && len(scs) == 1 && scs[0].Name == "tls-scanner" && scs[0].State == controller.ScannerActive {
			registered = true
		}
	}
	if !registered {
		t.Fatal("scanner did not register over TLS")
	}
	if err := sc.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := sc.Wait(); err != nil {
		t.Errorf("scanner after SIGTERM: %v", err)
	}
}
