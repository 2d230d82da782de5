package jetstream

// ParsePubAck lets the external tests feed the server's real answers to
// the publisher's parser.
var ParsePubAck = parsePubAck

// AckMetadata lets the external tests compare the Receiver's reading of
// an acknowledgement subject with nats.go's.
var AckMetadata = ackMetadata
