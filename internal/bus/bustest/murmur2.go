package bustest

// javaPartition is the partition the Java client's default partitioner
// picks for a keyed record (org.apache.kafka.common.utils.Utils.murmur2,
// then toPositive(hash) % partitions). It is written here from the Java
// source, independently of kafka-go's Murmur2Balancer, so the two are
// checked against each other.
func javaPartition(key []byte, partitions int) int {
	return int(int32(murmur2(key))&0x7fffffff) % partitions
}

func murmur2(data []byte) uint32 {
	const seed uint32 = 0x9747b28c
	const m uint32 = 0x5bd1e995
	const r = 24
	length := len(data)
	h := seed ^ uint32(length)
	for i := 0; i+4 <= length; i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := length &^ 3
	switch length % 4 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}
