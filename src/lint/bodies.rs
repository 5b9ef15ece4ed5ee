//! Where each class or define body ends, and where its parameter list is, as
//! puppet-lint finds them — for every keyword at once, in one pass.
//!
//! puppet-lint walks forward from each keyword counting braces (and, for the
//! parameter list, parentheses), which is quadratic on a file of unclosed
//! `class a {` lines. Every walk sees the same punctuation, only from another
//! start: its counts are the running counts minus the ones at its keyword. So
//! one pass keeps the pending keywords grouped by the counts they started at,
//! and each punctuation mark settles whole groups at once.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// A body as puppet-lint's walk from its keyword finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The `}` that closes it: braces back to where they were at the keyword,
    /// outside the parameter list's parentheses.
    pub end: usize,
    /// The tokens inside the first `( … )` met before a `{` at the keyword's
    /// parenthesis depth (and before `end`).
    pub params: Option<Range<usize>>,
}

/// For each of `starts` (token indexes, increasing), its body, or `None` when
/// no `}` closes it. `punct(j)` is token `j`'s text when it is punctuation.
pub fn bodies<'a>(len: usize, punct: impl Fn(usize) -> Option<&'a str>, starts: &[usize]) -> Vec<Option<Body>> {
    let mut out: Vec<Option<Body>> = vec![None; starts.len()];
    // Params found (`Some(None)`: the walk stopped without a list) before the end.
    let mut params: Vec<Option<Option<Range<usize>>>> = vec![None; starts.len()];
    // Walks waiting for their `}`: by the brace count, then the parenthesis count, at their keyword.
    let mut waiting: HashMap<i64, BTreeMap<i64, Vec<usize>>> = HashMap::new();
    // Walks looking for the parameter list, by the parenthesis count at their
    // keyword; the members of a group have seen the same marks since they joined.
    let mut looking: HashMap<i64, (Vec<usize>, Option<usize>)> = HashMap::new();
    let (mut braces, mut parens) = (0i64, 0i64);
    let mut next = 0;
    for j in 0..len {
        while next < starts.len() && starts[next] == j {
            waiting.entry(braces).or_default().entry(parens).or_default().push(next);
            looking.entry(parens).or_default().0.push(next);
            next += 1;
        }
        let Some(p) = punct(j) else { continue };
        match p {
            "(" => {
                // Depth 0 -> 1 for the walks that started at this count.
                if let Some(group) = looking.get_mut(&parens) {
                    group.1 = Some(j);
                }
                parens += 1;
            }
            ")" => {
                parens -= 1;
                // Depth 1 -> 0: the list is found (its `(` took them from 0 to 1).
                if looking.get(&parens).is_some_and(|g| g.1.is_some()) {
                    if let Some((members, Some(open))) = looking.remove(&parens) {
                        for k in members {
                            params[k].get_or_insert(Some(open + 1..j));
                        }
                    }
                }
            }
            "{" => {
                // A brace at depth 0 ends the search: no list.
                if let Some((members, _)) = looking.remove(&parens) {
                    for k in members {
                        params[k].get_or_insert(None);
                    }
                }
                braces += 1;
            }
            "}" => {
                braces -= 1;
                if let Some(by_parens) = waiting.get_mut(&braces) {
                    // Closed for every walk not inside its parameter list now.
                    for (_, members) in by_parens.split_off(&parens) {
                        for k in members {
                            out[k] = Some(Body {
                                end: j,
                                params: params[k].take().flatten(),
                            });
                            params[k] = Some(None);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// puppet-lint's walk from one keyword, as it is written.
    fn walk(puncts: &[Option<&str>], i: usize) -> Option<Body> {
        let (mut braces, mut parens, mut in_params) = (0i32, 0i32, false);
        let end = (i + 1..puncts.len()).find(|&j| {
            match puncts[j] {
                Some("(") => {
                    in_params |= parens == 0;
                    parens += 1;
                }
                Some(")") => {
                    if parens == 1 {
                        in_params = false;
                    }
                    parens -= 1;
                }
                Some("{") => braces += 1,
                Some("}") => {
                    braces -= 1;
                    return braces == 0 && !in_params;
                }
                _ => {}
            }
            false
        })?;
        let (mut depth, mut lparen, mut params) = (0, None, None);
        for (j, p) in puncts.iter().enumerate().take(end + 1).skip(i) {
            match *p {
                Some("(") => {
                    depth += 1;
                    if depth == 1 {
                        lparen = Some(j);
                    }
                }
                Some(")") => {
                    depth -= 1;
                    if depth == 0 {
                        params = lparen.map(|l| l + 1..j);
                        break;
                    }
                }
                Some("{") if depth == 0 => break,
                _ => {}
            }
        }
        Some(Body { end, params })
    }

    #[test]
    fn one_pass_finds_what_each_walk_finds() {
        // Every sequence of these marks up to length 9 would be 6^9; a
        // deterministic pseudo-random sample of many lengths instead.
        let marks = [Some("("), Some(")"), Some("{"), Some("}"), None, Some("k")];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 1 + (seed % 24) as usize;
            let mut s = seed;
            let puncts: Vec<Option<&str>> = (0..len)
                .map(|_| {
                    s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    marks[(s >> 33) as usize % marks.len()]
                })
                .collect();
            let starts: Vec<usize> = (0..len).filter(|&j| puncts[j] == Some("k")).collect();
            let puncts: Vec<Option<&str>> = puncts.iter().map(|p| p.filter(|&x| x != "k")).collect();
            let got = bodies(len, |j| puncts[j], &starts);
            for (n, &i) in starts.iter().enumerate() {
                assert_eq!(got[n], walk(&puncts, i), "{puncts:?} from {i}");
            }
        }
    }

    #[test]
    fn unclosed_keywords_cost_one_pass() {
        // 200,000 `class a {` lines: each walk alone would read to the end.
        let n = 200_000;
        let puncts: Vec<Option<&str>> = (0..2 * n).map(|j| (j % 2 == 1).then_some("{")).collect();
        let starts: Vec<usize> = (0..n).map(|k| 2 * k).collect();
        assert!(bodies(puncts.len(), |j| puncts[j], &starts).iter().all(Option::is_none));
    }
}
