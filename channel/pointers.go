package channel

import "reflect"

// holdsPointers reports whether a value of type T can refer to memory the
// garbage collector manages, so that dropping a buffer of them needs the
// values cleared. It errs towards true.
func holdsPointers[T any]() bool { return typeHoldsPointers(reflect.TypeFor[T]()) }

func typeHoldsPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && typeHoldsPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHoldsPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
