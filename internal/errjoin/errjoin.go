// Package errjoin joins the errors of a run for the core packages.
package errjoin

import "errors"

// Join returns nil for no errors, the error itself for one, and
// errors.Join of them all for more. A lone error comes back as it is, not
// wrapped, so a caller comparing it with == or matching its type with a
// type assertion still sees it.
func Join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
