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
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
)

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
	bin := fleettest.Build(t, tmp, "scanfleet")
	certFile, keyFile := selfSigned(t, tmp)
	data := filepath.Join(tmp, "data")
	tok := fleettest.Token(t, bin, data, "admin")
	addr := fleettest.StartController(t, bin, data, "127.0.0.1:0", io.Discard, "--tls-cert", certFile, "--tls-key", keyFile).Addr

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

	sc := fleettest.StartScanner(t, bin, "https://"+addr, tok, "tls-scanner", io.Discard, "--ca-cert", certFile, "--poll-interval", "50ms")
	var registered bool
	// The scanner process starts and registers: a minute bounds a hang,
	// generous for a loaded CI machine.
	for deadline := time.Now().Add(time.Minute); !registered && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body, err := get("https://" + addr + "/api/v1/scanners")
		var scs []api.Scanner
		if err == nil && json.Unmarshal(body, &scs) == nil && len(scs) == 1 && scs[0].Name == "tls-scanner" && scs[0].State == api.ScannerActive {
			registered = true
		}
	}
	if !registered {
		t.Fatal("scanner did not register over TLS")
	}
	if err := sc.Stop(15 * time.Second); err != nil {
		t.Errorf("scanner: %v", err)
	}
}
