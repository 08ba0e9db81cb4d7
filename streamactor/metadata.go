package streamactor

import (
	"fmt"

	"golang.org/x/net/http2/hpack"

	"github.com/actorpc/actorpc/rpc/metadata"
)

// appendMetadata renders md as header fields: "-bin" values in base64,
// others checked to be printable ASCII, as PROTOCOL-HTTP2 requires.
// Reserved names are the transport's to set, so they are left out.
func appendMetadata(fields []hpack.HeaderField, md metadata.MD) ([]hpack.HeaderField, error) {
	for k, vals := range md {
		if metadata.IsReservedKey(k) {
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
