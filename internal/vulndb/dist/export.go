package dist

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/atomicfile"
)

// The export file is the database file behind a two-line envelope:
//
//	scanfleet-db-export/1\n
//	{"schema_version":1,"built_at":"...","size":N,"sha256":"<hex of the N bytes>","digest":"sha256:<body digest>"}\n
//	<N bytes: the database file>
//
// The envelope's sha256 covers the whole database file (header included),
// the database's own digest covers its header and index, which hold a
// digest of every data block; Import checks both and every block. They
// detect corruption and tampering in transit, not a forger who rewrites
// both: compare the digest `db info` prints on both sides for that.
const exportMagic = "scanfleet-db-export/1\n"

// maxEnvelopeLine bounds the envelope header line.
const maxEnvelopeLine = 64 << 10

// ErrTampered means an export or artifact does not match its digest.
var ErrTampered = errors.New("digest mismatch: the file is corrupt or was tampered with")

type envelope struct {
	SchemaVersion int       `json:"schema_version"`
	BuiltAt       time.Time `json:"built_at"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	Digest        string    `json:"digest"`
}

// Export writes the database at dbPath, verified first, to w as one file
// that Import accepts.
func Export(dbPath string, w io.Writer) (vulndb.Info, error) {
	b, err := os.ReadFile(dbPath)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("export: %w", err)
	}
	db, err := vulndb.OpenBytes(b)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("export: %s: %w", dbPath, err)
	}
	info := db.Info()
	db.Close()
	sum := sha256.Sum256(b)
	hdr, err := json.Marshal(envelope{
		SchemaVersion: info.SchemaVersion, BuiltAt: info.BuiltAt, Size: int64(len(b)),
		SHA256: hex.EncodeToString(sum[:]), Digest: info.Digest,
	})
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("export: %w", err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(exportMagic)
	bw.Write(hdr)
	bw.WriteByte('\n')
	bw.Write(b)
	if err := bw.Flush(); err != nil {
		return vulndb.Info{}, fmt.Errorf("export: writing: %w", err)
	}
	info.Path = dbPath
	return info, nil
}

// Import reads an export from r, checks its envelope digest and the
// database's own digest, and only then renames it over dest. On any error
// dest is untouched.
func Import(r io.Reader, dest string) (vulndb.Info, error) {
	br := bufio.NewReader(r)
	m := make([]byte, len(exportMagic))
	if _, err := io.ReadFull(br, m); err != nil || string(m) != exportMagic {
		return vulndb.Info{}, fmt.Errorf("import: not a scanfleet database export (expected it to start with %q)", exportMagic[:len(exportMagic)-1])
	}
	line, err := readLine(br, maxEnvelopeLine)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("import: reading envelope: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return vulndb.Info{}, fmt.Errorf("import: malformed envelope: %w", err)
	}
	want, err := hex.DecodeString(env.SHA256)
	if err != nil || len(want) != sha256.Size || env.Size < vulndb.HeaderSize {
		return vulndb.Info{}, fmt.Errorf("import: malformed envelope: bad sha256 or size")
	}
	if env.SchemaVersion != vulndb.SchemaVersion {
		return vulndb.Info{}, fmt.Errorf("import: %w: export has schema %d, this scanfleet reads %d", vulndb.ErrSchema, env.SchemaVersion, vulndb.SchemaVersion)
	}
	info, err := installFrom(io.MultiReader(br, eofCheck{}), env.Size, want, env.Digest, dest, nil)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("import: %w", err)
	}
	return info, nil
}

// eofCheck marks the end of the expected content; installFrom reads one
// byte past the declared size to detect appended data.
type eofCheck struct{}

func (eofCheck) Read([]byte) (int, error) { return 0, io.EOF }

// installFrom copies exactly size bytes of r to a temporary file next to
// dest, checks their sha256 (when want is set), that nothing follows
// them, that check (when set) passes, that the result opens as a database
// whose digest is wantDigest (when set), and renames it over dest.
func installFrom(r io.Reader, size int64, want []byte, wantDigest, dest string, check func() error) (vulndb.Info, error) {
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return vulndb.Info{}, fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("creating temporary file: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, size))
	if err != nil {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("reading database: %w", err)
	}
	if n != size {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("%w: truncated: got %d of %d bytes", ErrTampered, n, size)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(r, extra[:]); k != 0 {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("%w: unexpected data after the %d declared bytes", ErrTampered, size)
	}
	if want != nil && !bytes.Equal(h.Sum(nil), want) {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("%w: sha256 is %x, expected %x", ErrTampered, h.Sum(nil), want)
	}
	if check != nil {
		if err := check(); err != nil {
			tmp.Close()
			return vulndb.Info{}, err
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	db, err := vulndb.OpenVerified(tmp.Name())
	if err != nil {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("%w: %w", ErrTampered, err)
	}
	info := db.Info()
	db.Close()
	if wantDigest != "" && info.Digest != wantDigest {
		tmp.Close()
		return vulndb.Info{}, fmt.Errorf("%w: database digest is %s, expected %s", ErrTampered, info.Digest, wantDigest)
	}
	if err := atomicfile.Commit(tmp, dest); err != nil {
		return vulndb.Info{}, err
	}
	info.Path = dest
	return info, nil
}

// readLine reads up to and excluding '\n', refusing lines longer than max.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > max {
			return nil, fmt.Errorf("line longer than %d bytes", max)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, err
		}
	}
}
