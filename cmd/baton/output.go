package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// checkWritable makes sure that writeAtomic can later write path, without
// leaving anything behind, and otherwise says why not in words that fit
// the case: path must not be a directory or a special file (a rename would
// replace /dev/null itself), an existing file must be writable, and its
// directory must accept a new file, since the content goes to a temporary
// file beside path and is renamed over it.
func checkWritable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s is a directory", path)
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s exists and is not a regular file", path)
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0) // no O_TRUNC: changes nothing
		if err != nil {
			return fmt.Errorf("%s exists and cannot be written: %w", path, unwrapPath(err))
		}
		f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".baton-check-*")
	if err != nil {
		di, derr := os.Stat(dir)
		switch {
		case derr != nil:
			return fmt.Errorf("cannot write %s: its directory %s does not exist", path, dir)
		case !di.IsDir():
			return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
		case errors.Is(err, fs.ErrNotExist):
			// The directory exists and still says "no such file": a
			// file system such as /proc that holds no new files.
			return fmt.Errorf("cannot write %s: its directory %s does not accept new files (the file is written beside its target, then renamed)", path, dir)
		}
		return fmt.Errorf("cannot write %s: cannot create a file in %s: %w", path, dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// unwrapPath drops the file's name from an error, for messages that name
// the file already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeAtomic writes a file through a temporary file in the same directory
// and a rename, so that path holds either its old content or all of the new.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
