package streamactor

import (
	"fmt"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// appendMetadata renders md as header fields: "-bin" values in base64,
// others checked to be printable ASCII, as PROTOCOL-HTTP2 requires.
// Reserved names (pseudo-headers, content-type, te, user-agent, grpc-*)
// are the transport's to set. A request that names one is refused, so
// that the caller learns at once why it had no effect; on a response, where
// the status must get through, they were refused by SetHeader already and
// are left out here.
func appendMetadata(fields []hpack.HeaderField, md metadata.MD, refuseReserved bool) ([]hpack.HeaderField, error) {
	for k, vals := range md {
		if metadata.IsReservedKey(k) {
			if refuseReserved {
				return nil, ReservedKeyError(k)
			}
			continue
		}
		if err := metadata.ValidKey(k); err != nil {
			return nil, fmt.Errorf("metadata key %q: %w", k, err)
		}
		bin := metadata.IsBinaryKey(k)
		for _, v := range vals {
			if bin {
				v = metadata.EncodeBinValue(v)
			} else if err := metadata.ValidValue(v); err != nil {
				return nil, fmt.Errorf("metadata value of key %q: %w", k, err)
			}
			fields = append(fields, hpack.HeaderField{Name: k, Value: v})
		}
	}
	return fields, nil
}

// ReservedKeyError says metadata named a header the transport owns.
func ReservedKeyError(k string) error {
	return fmt.Errorf("metadata key %q is reserved for the transport", k)
}

// CheckReserved refuses metadata that names a reserved header.
func CheckReserved(md metadata.MD) error {
	for k := range md {
		if metadata.IsReservedKey(k) {
			return ReservedKeyError(k)
		}
	}
	return nil
}

// addField adds one received field to md, decoding "-bin" values.
func addField(md metadata.MD, f hpack.HeaderField) error {
	if metadata.IsBinaryKey(f.Name) {
		v, err := metadata.DecodeBinValue(f.Value)
		if err != nil {
			return fmt.Errorf("malformed binary metadata %q: %w", f.Name, err)
		}
		md[f.Name] = append(md[f.Name], string(v))
		return nil
	}
	md[f.Name] = append(md[f.Name], f.Value)
	return nil
}
