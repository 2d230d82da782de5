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
