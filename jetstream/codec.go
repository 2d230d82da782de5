package jetstream

import (
	"encoding/json"
	"fmt"
)

// Codec turns values into message payloads and back. Marshal receives the
// value sent; Unmarshal receives a pointer to a zero value of the channel's
// type. The default is JSON; WithCodec takes any other (gob, protobuf,
// msgpack) through this two-method shape.
type Codec interface {
	Marshal(v any) ([]byte, error)
	Unmarshal(data []byte, v any) error
}

// JSON is the default codec, encoding/json.
var JSON Codec = jsonCodec{}

type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)      { return json.Marshal(v) }
func (jsonCodec) Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Raw is the codec of a channel of []byte: the bytes are the message, as
// they are, with no encoding around them. It fails for any other type.
var Raw Codec = rawCodec{}

type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("jetstream: the Raw codec takes []byte, not %T", v)
	}
	return b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("jetstream: the Raw codec decodes into *[]byte, not %T", v)
	}
	*p = append((*p)[:0], data...)
	return nil
}

// marshal encodes *v with c. The Raw codec of a []byte channel is served
// without the interface call: passing a []byte as an any allocates a copy
// of its header on the heap for every message, and Raw needs no call to
// return the bytes as they are. v is a pointer so that the check below
// converts a pointer, which never allocates.
func marshal[T any](c Codec, v *T) ([]byte, error) {
	if _, raw := c.(rawCodec); raw {
		if b, ok := any(v).(*[]byte); ok {
			return *b, nil
		}
	}
	return c.Marshal(*v)
}

// decode decodes data with c. The Raw codec of a []byte channel copies
// the bytes (the message keeps its own, for a dead letter) without the
// interface call: the value handed to Unmarshal escapes to the heap, so
// only the other codecs declare one.
func decode[T any](c Codec, data []byte) (T, error) {
	var v T
	if _, raw := c.(rawCodec); raw {
		if b, ok := any(&v).(*[]byte); ok {
			*b = append([]byte(nil), data...)
			return v, nil
		}
	}
	var w T
	err := c.Unmarshal(data, &w)
	return w, err
}
