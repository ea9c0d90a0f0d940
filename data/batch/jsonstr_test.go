package batch_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"chorus/data/batch"
)

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<a href='x'>&amp;</a>", "tab\tnew\nline\r\b\f\x00\x1f\x7f",
		"Diolch 👍 نعم", "\u2028\u2029", "bad \xff\xfe utf-8 \xe2\x82", "=HYPERLINK(\"x\")"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		want, err := json.Marshal(string(s))
		if err != nil {
			t.Fatal(err)
		}
		if got := batch.AppendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("AppendJSONString(%q) = %s, json.Marshal gives %s", s, got, want)
		}
	})
}
