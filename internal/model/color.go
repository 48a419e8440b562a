package model

// IsColor accepts hex colours only (#rgb, #rgba, #rrggbb, #rrggbbaa), the
// rule for a voice's colours wherever the hub writes them into a style
// (website pages and newsletters): anything else could break out of CSS.
func IsColor(c string) bool {
	switch len(c) {
	case 4, 5, 7, 9:
	default:
		return false
	}
	if c[0] != '#' {
		return false
	}
	for i := 1; i < len(c); i++ {
		if !isHex(c[i]) {
			return false
		}
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}
