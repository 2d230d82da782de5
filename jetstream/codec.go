package jetstream

import "encoding/json"

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
