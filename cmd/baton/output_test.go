package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
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
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("checkWritable left files: %v", entries)
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
