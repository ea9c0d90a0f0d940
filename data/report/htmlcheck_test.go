package report

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// repCheckHTML is the accessibility and self-containment check: one
// h1, no skipped heading level, every svg an image with a name, every
// table with header cells that have a scope, every sideways-scrolling
// table reachable by keyboard, a lang attribute, and nothing fetched from
// anywhere. `make a11y` runs axe-core on real reports as well.
func repCheckHTML(t *testing.T, doc, lang string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]*html.Node{}
	var all []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			all = append(all, n)
			if id := repAttr(n, "id"); id != "" {
				if ids[id] != nil {
					t.Errorf("id %q is used twice", id)
				}
				ids[id] = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	h1, level, tables, svgs := 0, 0, 0, 0
	for _, n := range all {
		switch n.Data {
		case "html":
			if repAttr(n, "lang") != lang {
				t.Errorf(`<html lang=%q>, want %q`, repAttr(n, "lang"), lang)
			}
		case "h1", "h2", "h3", "h4", "h5", "h6":
			l := int(n.Data[1] - '0')
			if l == 1 {
				h1++
			}
			if l > level+1 {
				t.Errorf("heading %q (h%d) follows h%d", repText(n), l, level)
			}
			level = l
			if strings.TrimSpace(repText(n)) == "" {
				t.Errorf("empty h%d", l)
			}
		case "svg":
			svgs++
			name := repAttr(n, "aria-label")
			for _, id := range strings.Fields(repAttr(n, "aria-labelledby")) {
				if ids[id] == nil {
					t.Errorf("svg names missing id %q", id)
					continue
				}
				name += repText(ids[id])
			}
			if repAttr(n, "role") != "img" || strings.TrimSpace(name) == "" {
				t.Errorf("svg without role=img or an accessible name: %v", n.Attr)
			}
		case "table":
			tables++
			ths := 0
			for _, th := range all {
				if th.Data == "th" && repWithin(th, n) {
					ths++
					if s := repAttr(th, "scope"); s != "col" && s != "row" {
						t.Errorf("<th> %q without scope", repText(th))
					}
				}
			}
			if ths == 0 {
				t.Error("a table has no <th>")
			}
		case "div":
			// A region that scrolls sideways must take the keyboard's
			// focus and have a name (axe: scrollable-region-focusable).
			if strings.Contains(" "+repAttr(n, "class")+" ", " cross ") &&
				(repAttr(n, "tabindex") != "0" || repAttr(n, "role") != "region" || strings.TrimSpace(repAttr(n, "aria-label")) == "") {
				t.Errorf("a scrolling table region without tabindex=0, role=region and a name: %v", n.Attr)
			}
		case "script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "form":
			t.Errorf("the report has a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "src" || a.Key == "srcset" || a.Key == "xlink:href" || a.Key == "action":
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
				t.Errorf("<%s href=%q> points outside the report", n.Data, a.Val)
			case a.Key == "href" && ids[a.Val[1:]] == nil:
				t.Errorf("link to missing #%s", a.Val[1:])
			case strings.HasPrefix(a.Key, "on") || a.Key == "style":
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "style" && regexp.MustCompile(`(?i)url\(|@import|https?:`).MatchString(repText(n)) {
			t.Error("the style sheet fetches something")
		}
	}
	if h1 != 1 {
		t.Errorf("%d <h1>, want 1", h1)
	}
	if tables == 0 || svgs == 0 {
		t.Errorf("%d tables, %d charts", tables, svgs)
	}
}

func repAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func repText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(repText(c))
	}
	return b.String()
}

func repWithin(n, ancestor *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p == ancestor {
			return true
		}
	}
	return false
}
