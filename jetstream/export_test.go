package jetstream

// ParsePubAck lets the external tests feed the server's real answers to
// the publisher's parser.
var ParsePubAck = parsePubAck
