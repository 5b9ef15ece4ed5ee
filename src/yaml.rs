//! Feeding libyaml-safer (the YAML parser of the Vagrantfile's `YAML.load` and
//! of Hiera validation) without tripping it: 0.3 panics ("unexpected end of
//! input") on a block scalar that ends the input without a line break, where
//! libyaml reads the end of the input as one. Parse [`input`], and report
//! places with [`place`].

use libyaml_safer::{Event, EventData, Mark, ScalarStyle};
use std::borrow::Cow;

/// The text to parse: `text`, with a line break added when it ends without one.
pub fn input(text: &str) -> Cow<'_, str> {
    if text.is_empty() || text.ends_with(['\n', '\r']) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{text}\n"))
    }
}

/// The event as libyaml gives it for `text` itself: a block scalar that ends
/// the text keeps no line break that [`input`] added (Psych loads `"a: |\n  b"`
/// as `{"a" => "b"}`).
pub fn as_given(mut event: Event, text: &str) -> Event {
    if let EventData::Scalar { value, style, .. } = &mut event.data {
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        if block && event.end_mark.index as usize > text.len() && value.ends_with('\n') {
            value.pop();
        }
    }
    event
}

/// A mark's 0-based line and column in `text` itself: a mark in the added line
/// break is the end of the text, where libyaml would have put it.
pub fn place(text: &str, mark: Mark) -> (u64, u64) {
    if (mark.index as usize) < text.len() {
        return (mark.line, mark.column);
    }
    let last = text.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    (line as u64, text[last..].chars().count() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_scalar_at_the_end_without_a_line_break_parses() {
        let text = "a: |\n  b";
        let owned = input(text);
        let mut bytes = owned.as_bytes();
        let mut parser = libyaml_safer::Parser::new();
        parser.set_input_string(&mut bytes);
        let mut scalars = Vec::new();
        while let Ok(e) = parser.parse() {
            match as_given(e, text).data {
                EventData::StreamEnd => break,
                EventData::Scalar { value, .. } => scalars.push(value),
                _ => {}
            }
        }
        assert_eq!(scalars, ["a", "b"]);
        // Where libyaml-safer ends that input: past the added line break.
        let mut end = Mark::default();
        (end.index, end.line, end.column) = (9, 2, 0);
        assert_eq!(place(text, end), (1, 3));
    }
}
