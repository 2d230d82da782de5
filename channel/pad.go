package channel

// cacheLinePad keeps hot fields on lines of their own. 128 bytes, not 64,
// because x86 prefetches cache lines in adjacent pairs.
type cacheLinePad [cacheLineSize]byte

const cacheLineSize = 128
