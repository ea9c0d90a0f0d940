package store

import (
	"bytes"
	"encoding/json"
	"testing"
)

var flagsSeeds = []string{`{}`, `{"quotes":false,"sharing":true,"take_part":true}`, `{"a":true}`, `{"A-b_9":false}`,
	`{"a":true,}`, `{,"a":true}`, `{"a":truee}`, `{"a":tru}`, `{"a" :true}`, `{ "a":true}`, `{"a":true} `, `{"":true}`,
	`{"a":true,"a":false}`, `{"é":true}`, `{"a\"b":true}`, `{"a":null}`, `{"a":1}`, `{"a":"true"}`, `{"a":true`, `"a":true}`,
	`{`, `}`, `{"a":true,"b"}`, `{"a"}`, `{"a":}`, `[true]`, `{"<":true}`}

// TestSimpleFlagsOnlyWhereCompactChangesNothing: simpleFlags accepts only
// valid JSON that json.Compact leaves as it is, and accepts the purposes
// a device saves.
func TestSimpleFlagsOnlyWhereCompactChangesNothing(t *testing.T) {
	for _, s := range flagsSeeds {
		checkSimpleFlags(t, []byte(s))
	}
	saved, _ := json.Marshal(map[string]bool{"quotes": false, "sharing": true, "take_part": true})
	for _, s := range []string{string(saved), `{}`, `{"a":true}`, `{"A-b_9":false}`, `{"a":true,"a":false}`} {
		if !simpleFlags([]byte(s)) {
			t.Errorf("simpleFlags(%s) = false", s)
		}
	}
}

func checkSimpleFlags(t *testing.T, v []byte) {
	t.Helper()
	if !simpleFlags(v) {
		return
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil || !bytes.Equal(b.Bytes(), v) {
		t.Errorf("simpleFlags(%q) = true, but json.Compact gives %q, %v", v, b.Bytes(), err)
	}
}

func FuzzSimpleFlags(f *testing.F) {
	for _, s := range flagsSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkSimpleFlags)
}
