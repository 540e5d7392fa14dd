//! Markup written as text, for the parts of the page that only display: the stage and the
//! read-only tables. Yew inserts such a string as it is (`Html::from_html_unchecked`), which
//! costs far less WebAssembly than a virtual-DOM node per element. Every piece of text goes
//! through [`escape`], so nothing from the simulation can become markup.

use std::fmt::Write;

/// Text made safe for HTML and SVG: the five characters XML reserves, escaped.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// A markup string being written. Writing to a `String` cannot fail, so results are ignored.
#[derive(Default)]
pub struct Markup(pub String);

impl Markup {
    /// `<tag attrs>`; `attrs` is markup written in the source, such as `class="num"`: a
    /// `'static` string, so text from the simulation cannot end up there.
    pub fn open(&mut self, tag: &str, attrs: &'static str) {
        let _ = write!(self.0, "<{tag}{}{attrs}>", if attrs.is_empty() { "" } else { " " });
    }

    /// "—" for a figure that does not apply, with the reason on hover and on focus.
    pub fn not_applicable(&mut self, why: &str) {
        self.0.push_str("<abbr tabindex=\"0\" title=\"");
        self.text(why);
        self.0.push_str("\">—</abbr>");
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) {
        let _ = write!(self.0, "</{tag}>");
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) {
        self.0.push_str(&escape(text));
    }

    /// A data table's opening up to its body: the caption (for screen readers) and one row of
    /// column titles. Close it with [`Markup::end_table`].
    pub fn start_table(&mut self, caption: &str, titles: &[&str]) {
        self.open("table", "class=\"data\"");
        self.el("caption", "class=\"visually-hidden\"", caption);
        self.0.push_str("<thead><tr>");
        for title in titles {
            self.el("th", "scope=\"col\"", title);
        }
        self.0.push_str("</tr></thead><tbody>");
    }

    /// Closes what [`Markup::start_table`] opened.
    pub fn end_table(&mut self) {
        self.0.push_str("</tbody></table>");
    }

    /// `<tag attrs>text</tag>`.
    pub fn el(&mut self, tag: &str, attrs: &'static str, text: &str) {
        self.open(tag, attrs);
        self.text(text);
        self.close(tag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_elements_close() {
        assert_eq!(escape("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
        assert_eq!(escape("plain"), "plain");
        let mut m = Markup::default();
        m.open("tr", "");
        m.el("td", "class=\"num\"", "<3>");
        m.close("tr");
        assert_eq!(m.0, "<tr><td class=\"num\">&lt;3&gt;</td></tr>");
        let mut t = Markup::default();
        t.start_table("Log", &["A", "B&C"]);
        t.end_table();
        assert_eq!(
            t.0,
            "<table class=\"data\"><caption class=\"visually-hidden\">Log</caption><thead><tr>\
             <th scope=\"col\">A</th><th scope=\"col\">B&amp;C</th></tr></thead><tbody></tbody></table>"
        );
    }
}
