package parser

import "testing"

func TestDecodeBase64Texts(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<content type="text/html" mode="base64">PHA+aGk8L3A+</content>`, `<content type="text/html" mode="base64"><![CDATA[<p>hi</p>]]></content>`},
		{`<summary mode='base64'>` + "\n  PHA+\n  aGk8L3A+\n" + `</summary>`, `<summary mode='base64'><![CDATA[<p>hi</p>]]></summary>`},
		{`<content mode="base64">XV0+</content>`, `<content mode="base64"><![CDATA[]]]]><![CDATA[>]]></content>`}, // "]]>"
		{`<content mode="base64">not base64!</content>`, `<content mode="base64">not base64!</content>`},
		{`<content mode="base64"/>`, `<content mode="base64"/>`},
		{`<content mode="escaped">PHA+aGk8L3A+</content>`, `<content mode="escaped">PHA+aGk8L3A+</content>`},
		{`<p>set mode="base64" here</p>`, `<p>set mode="base64" here</p>`}, // text, not an attribute
		{`<content xmode="base64">PHA+aGk8L3A+</content>`, `<content xmode="base64">PHA+aGk8L3A+</content>`},
	}
	for _, tt := range tests {
		if got := string(decodeBase64Texts([]byte(tt.in))); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
