package content

import (
	"slices"
	"testing"
)

// TestTopicHighlightColours reads a topic's highlight colours: one that is
// no hex colour is named with its line, as the pages leave it out (it
// could break out of their style), where it was dropped without a word.
func TestTopicHighlightColours(t *testing.T) {
	tests := []struct {
		text, background string
		warns            []string
	}{
		{`"#FFFFFF"`, `"#0015BC"`, nil},
		{`"#fff"`, `"#0015bc80"`, nil},
		{`white`, `"#0015BC"`, []string{`_data/topics/02-harbour-voice.yaml:6: highlight.textColor: "white" is not a colour: want #rgb, #rrggbb (or with alpha, #rgba, #rrggbbaa); the pages show the topic without it`}},
		{`"#FFFFFF"`, `"0015BC"`, []string{`_data/topics/02-harbour-voice.yaml:7: highlight.backgroundColor: "0015BC" is not a colour: want #rgb, #rrggbb (or with alpha, #rgba, #rrggbbaa); the pages show the topic without it`}},
		{`"rgb(0,0,0)"`, `"#12345"`, []string{
			`_data/topics/02-harbour-voice.yaml:6: highlight.textColor: "rgb(0,0,0)" is not a colour: want #rgb, #rrggbb (or with alpha, #rgba, #rrggbbaa); the pages show the topic without it`,
			`_data/topics/02-harbour-voice.yaml:7: highlight.backgroundColor: "#12345" is not a colour: want #rgb, #rrggbb (or with alpha, #rgba, #rrggbbaa); the pages show the topic without it`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.text+" on "+tt.background, func(t *testing.T) {
			data := "taxonomy: topic\n_id: harbour-voice\nname: Harbour Voice\nparent: Harbour\nhighlight:\n" +
				"  textColor: " + tt.text + "\n  backgroundColor: " + tt.background + "\n"
			_, warns, err := ParseWarn("_data/topics/02-harbour-voice.yaml", []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range warns {
				got = append(got, w.Error())
			}
			if !slices.Equal(got, tt.warns) {
				t.Errorf("warnings\n%q\nwant\n%q", got, tt.warns)
			}
		})
	}
}
