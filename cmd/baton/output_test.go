package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	for _, text := range []string{"first", "second"} {
		if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != text {
			t.Errorf("content %q, want %q", got, text)
		}
	}
	boom := errors.New("boom")
	if err := writeAtomic(path, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); err != boom {
		t.Errorf("err %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "second" {
		t.Errorf("a failed write changed the file: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	if err := checkWritable(filepath.Join(dir, "ok.json")); err != nil {
		t.Error(err)
	}
	if err := checkWritable(dir); err == nil {
		t.Error("a directory was accepted")
	}
	if err := checkWritable(filepath.Join(dir, "no", "such.json")); err == nil {
		t.Error("a missing directory was accepted")
	}
	existing := filepath.Join(dir, "old.json")
	if err := os.WriteFile(existing, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkWritable(existing); err != nil {
		t.Errorf("an existing writable file: %v", err)
	}
	if err := checkWritable(filepath.Join(dir, "no", "such.json")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing directory: %v", err)
	}
	if err := checkWritable(filepath.Join(existing, "x.json")); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a file as the directory: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("checkWritable left files: %v", entries)
	}
	if got, _ := os.ReadFile(existing); string(got) != "{}" {
		t.Errorf("checkWritable changed an existing file: %q", got)
	}
}

// TestCheckWritableSpecial covers files that exist and cannot be written
// in place: as a user, /proc/version refuses writes; as root it opens, but
// /proc takes no new file. Either way the message must not claim that the
// file does not exist. A device must never be replaced by a rename.
func TestCheckWritableSpecial(t *testing.T) {
	if _, err := os.Stat("/proc/version"); err == nil {
		err := checkWritable("/proc/version")
		if err == nil || strings.Contains(err.Error(), "no such file") || !strings.Contains(err.Error(), "/proc") {
			t.Errorf("/proc/version: %v", err)
		}
	}
	if _, err := os.Stat(os.DevNull); err == nil {
		if err := checkWritable(os.DevNull); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("%s: %v", os.DevNull, err)
		}
	}
}

func TestCheckPlotFormat(t *testing.T) {
	for _, ok := range []string{"", "a.svg", "b.PNG", "dir/c.pdf"} {
		if err := checkPlotFormat(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"a.gif", "noext", "a.svg.txt"} {
		if err := checkPlotFormat(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
