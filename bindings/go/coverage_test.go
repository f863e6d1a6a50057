package lend

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// notBound lists exported functions the binding leaves out on purpose: a
// storage backend is a C-level extension point (lend/sys/storage.h).
var notBound = map[string]string{
	"lend_storage_init":        "storage backends are written in C",
	"lend_storage_sqlite":      "storage backends are written in C",
	"lend_options_set_storage": "storage backends are written in C",
	"lend_storage_postgres":    "storage backends are written in C (a postgresql:// path opens this one)",
}

// libraryPath is the liblend.so the tests run against: $LIBLEND_SO, or the
// one pkg-config names.
func libraryPath(t *testing.T) string {
	if p := os.Getenv("LIBLEND_SO"); p != "" {
		return p
	}
	out, err := exec.Command("pkg-config", "--variable=libdir", "liblend").Output()
	if err != nil {
		t.Skip("set LIBLEND_SO to the built liblend.so")
	}
	return filepath.Join(strings.TrimSpace(string(out)), "liblend.so")
}

// TestEveryExportedFunctionIsBound compares the library's exported lend_*
// functions with the C functions the package's sources call.
func TestEveryExportedFunctionIsBound(t *testing.T) {
	lib := libraryPath(t)
	out, err := exec.Command("nm", "-D", "--defined-only", lib).Output()
	if err != nil {
		t.Skipf("nm %s: %v", lib, err)
	}
	exported := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && strings.ContainsAny(f[1], "TtWi") && strings.HasPrefix(f[2], "lend_") {
			exported[strings.SplitN(f[2], "@", 2)[0]] = true
		}
	}
	if len(exported) < 100 {
		t.Fatalf("only %d symbols read from %s", len(exported), lib)
	}
	used := map[string]bool{}
	call := regexp.MustCompile(`(?:C\.|[^\w.])(lend_[a-z0-9_]+)\(`)
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				used[m[1]] = true
			}
		}
	}
	var missing, stale []string
	for s := range exported {
		if !used[s] && notBound[s] == "" {
			missing = append(missing, s)
		}
	}
	for s := range notBound {
		if !exported[s] {
			stale = append(stale, s)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("exported by %s but not bound in Go: %s", lib, strings.Join(missing, ", "))
	}
	if len(stale) > 0 {
		t.Errorf("stale entries in notBound: %s", strings.Join(stale, ", "))
	}
}
