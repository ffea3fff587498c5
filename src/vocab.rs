//! The tag vocabulary of a library: every tag and AI tag with its file count,
//! near-duplicates grouped (case, spaces, hyphens, underscores, a plural `s`):
//! `summer-sale` / `Summer Sale` / `summersale` / `SUMMER_SALE`, `jacket` / `Jackets`,
//! and, apart from them, possible typos (`jacket` / `jackit`): see [`possible_typos`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

/// The key near-duplicates share.
pub fn near_key(tag: &str) -> String {
    let mut k: String = tag
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect();
    if k.chars().count() > 3 && k.ends_with('s') && !k.ends_with("ss") {
        k.pop();
    }
    k
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub files: usize,
}

/// A set of tags that differ only in case, separators or a plural.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearDuplicates {
    pub key: String,
    pub files: usize,
    pub tags: Vec<TagCount>,
}

/// Two spellings an edit or two apart: maybe a typo, maybe two words (`tent`, `test`), so
/// they are only shown, never grouped. Each side lists its spelling variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PossibleTypo {
    pub distance: usize,
    pub files: usize,
    pub a: Vec<TagCount>,
    pub b: Vec<TagCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub files: usize,
    pub tags: Vec<TagCount>,
    pub ai_tags: Vec<TagCount>,
    pub near_duplicates: Vec<NearDuplicates>,
    pub possible_typos: Vec<PossibleTypo>,
}

/// The edits allowed between two spellings whose shorter near-key has `len` characters:
/// none below 5 (`tent` / `test` are words), 1 from 5, 2 from 9.
fn typo_budget(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The Levenshtein distance of `a` and `b` if it is at most `max`.
fn within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        if cur.iter().min().is_some_and(|m| *m > max) {
            return None;
        }
        prev = cur;
    }
    prev.last().copied().filter(|d| *d <= max)
}

/// Every string made from `key` by deleting up to `n` characters (itself included).
fn deletions(key: &[char], n: usize, out: &mut HashSet<String>) {
    out.insert(key.iter().collect());
    if n == 0 {
        return;
    }
    for i in 0..key.len() {
        let mut shorter = key.to_vec();
        shorter.remove(i);
        deletions(&shorter, n - 1, out);
    }
}

/// Pairs of near-duplicate keys (`groups`: key → its tags) within [`typo_budget`] edits of
/// each other. Keys that differ only in digits (`size-10` / `size-12`) are not typos.
/// Fast on thousands of keys: two keys within `d` edits share a string made by deleting at
/// most `d` characters from each, so only keys that share one are compared.
pub fn possible_typos(groups: &BTreeMap<String, Vec<TagCount>>) -> Vec<PossibleTypo> {
    let keys: Vec<(&String, Vec<char>)> = groups.keys().map(|k| (k, k.chars().collect())).collect();
    let mut by_deletion: HashMap<String, Vec<usize>> = HashMap::new();
    let mut variants = HashSet::new();
    for (i, (_, chars)) in keys.iter().enumerate() {
        variants.clear();
        deletions(chars, typo_budget(chars.len()), &mut variants);
        for v in variants.drain() {
            by_deletion.entry(v).or_default().push(i);
        }
    }
    let no_digits = |k: &str| -> String { k.chars().filter(|c| !c.is_ascii_digit()).collect() };
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for ids in by_deletion.values().filter(|ids| ids.len() > 1) {
        for (n, &i) in ids.iter().enumerate() {
            for &j in &ids[n + 1..] {
                let (a, b) = (&keys[i.min(j)], &keys[i.max(j)]);
                let budget = typo_budget(a.1.len().min(b.1.len()));
                if budget == 0 || !seen.insert((i.min(j), i.max(j))) {
                    continue;
                }
                if no_digits(a.0) == no_digits(b.0) {
                    continue;
                }
                if let Some(distance) = within(&a.1, &b.1, budget) {
                    // The spelling on more files first: the likely right one.
                    let (mut a, mut b) = (groups[a.0].clone(), groups[b.0].clone());
                    let sum = |g: &[TagCount]| g.iter().map(|t| t.files).sum::<usize>();
                    if sum(&b) > sum(&a) {
                        std::mem::swap(&mut a, &mut b);
                    }
                    let files = sum(&a) + sum(&b);
                    found.push(PossibleTypo {
                        distance,
                        files,
                        a,
                        b,
                    });
                }
            }
        }
    }
    found.sort_by(|x, y| {
        y.files
            .cmp(&x.files)
            .then_with(|| x.a[0].tag.cmp(&y.a[0].tag))
            .then_with(|| x.b[0].tag.cmp(&y.b[0].tag))
    });
    found
}

fn sorted(counts: BTreeMap<String, usize>) -> Vec<TagCount> {
    let mut v: Vec<TagCount> = counts
        .into_iter()
        .map(|(tag, files)| TagCount { tag, files })
        .collect();
    v.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.tag.cmp(&b.tag)));
    v
}

impl Vocabulary {
    /// Counts over `(tags, AI tag names)` of each file.
    pub fn build<'a>(files: impl IntoIterator<Item = (Vec<&'a str>, Vec<&'a str>)>) -> Self {
        let (mut tags, mut ai) = (BTreeMap::new(), BTreeMap::new());
        let mut n = 0;
        for (t, a) in files {
            n += 1;
            for x in t {
                *tags.entry(x.to_owned()).or_insert(0) += 1;
            }
            for x in a {
                *ai.entry(x.to_owned()).or_insert(0) += 1;
            }
        }
        let tags = sorted(tags);
        let mut groups: BTreeMap<String, Vec<TagCount>> = BTreeMap::new();
        for t in &tags {
            groups.entry(near_key(&t.tag)).or_default().push(t.clone());
        }
        let possible_typos = possible_typos(&groups);
        let mut near_duplicates: Vec<NearDuplicates> = groups
            .into_iter()
            .filter(|(_, v)| v.len() > 1)
            .map(|(key, tags)| NearDuplicates {
                key,
                files: tags.iter().map(|t| t.files).sum(),
                tags,
            })
            .collect();
        near_duplicates.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.key.cmp(&b.key)));
        Vocabulary {
            files: n,
            tags,
            ai_tags: sorted(ai),
            near_duplicates,
            possible_typos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_case_separators_and_plurals() {
        for (a, b) in [
            ("summer-sale", "Summer Sale"),
            ("summersale", "SUMMER_SALE"),
            ("jacket", "Jackets"),
            ("water-proof", "waterproof"),
        ] {
            assert_eq!(near_key(a), near_key(b), "{a} ~ {b}");
        }
        assert_ne!(near_key("glass"), near_key("gla"));
        assert_ne!(near_key("bus"), near_key("bu"), "short words keep their s");
        let v = Vocabulary::build([
            (vec!["jacket", "Summer Sale"], vec!["Jacket"]),
            (vec!["Jackets", "summer-sale"], vec![]),
            (vec!["jacket", "red"], vec![]),
        ]);
        assert_eq!(v.files, 3);
        assert_eq!(
            v.tags[0],
            TagCount {
                tag: "jacket".into(),
                files: 2
            }
        );
        assert_eq!(
            v.ai_tags,
            [TagCount {
                tag: "Jacket".into(),
                files: 1
            }]
        );
        let keys: Vec<&str> = v.near_duplicates.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["jacket", "summersale"]);
        assert_eq!(v.near_duplicates[0].files, 3);
    }

    fn typos(tags: &[(&str, usize)]) -> Vec<(String, String, usize)> {
        let files: Vec<(Vec<&str>, Vec<&str>)> = tags
            .iter()
            .flat_map(|(t, n)| std::iter::repeat_n((vec![*t], vec![]), *n))
            .collect();
        Vocabulary::build(files)
            .possible_typos
            .into_iter()
            .map(|p| (p.a[0].tag.clone(), p.b[0].tag.clone(), p.distance))
            .collect()
    }

    #[test]
    fn possible_typos_are_kept_apart_from_spelling_variants() {
        let v = Vocabulary::build([
            (vec!["jacket", "Jacket"], vec![]),
            (vec!["jackets", "jackit"], vec![]),
        ]);
        assert_eq!(v.near_duplicates.len(), 1, "jacket/Jacket/jackets only");
        assert_eq!(v.near_duplicates[0].tags.len(), 3);
        let p = &v.possible_typos;
        assert_eq!(p.len(), 1);
        let a: Vec<&str> = p[0].a.iter().map(|t| t.tag.as_str()).collect();
        let b: Vec<&str> = p[0].b.iter().map(|t| t.tag.as_str()).collect();
        assert_eq!(
            (a, b, p[0].distance, p[0].files),
            (vec!["Jacket", "jacket", "jackets"], vec!["jackit"], 1, 4)
        );
    }

    #[test]
    fn typo_budget_grows_with_length_and_ignores_digits_and_short_words() {
        assert_eq!(
            typos(&[
                ("tent", 3),
                ("test", 2), // 4 letters: words, not typos
                ("shirt", 2),
                ("shrit", 1), // 5: one edit (a transposition is two)
                ("waterprof", 2),
                ("waterproof", 5), // 9+: up to two edits
                ("backpack", 4),
                ("bakpak", 1), // 8: two edits is too many
                ("outdoors", 3),
                ("outdoor", 2), // plural: the same near key already
                ("size-10", 1),
                ("size-12", 1), // digits only
                ("photograph", 1),
                ("fotograf", 1), // 8 vs 10: over budget
                ("lanscape", 1),
                ("landscape", 3),
            ]),
            [
                ("waterproof".to_owned(), "waterprof".to_owned(), 1),
                ("landscape".to_owned(), "lanscape".to_owned(), 1),
            ]
        );
        assert_eq!(
            typos(&[("water-proof", 1), ("Watre Proof", 1)]).len(),
            1,
            "two edits at 9+"
        );
    }

    #[test]
    fn many_distinct_tags_stay_fast() {
        let mut rng = fastrand::Rng::with_seed(3);
        let words: Vec<String> = (0..5000)
            .map(|_| {
                let len = rng.usize(4..14);
                std::iter::repeat_with(|| rng.lowercase())
                    .take(len)
                    .collect()
            })
            .collect();
        let started = std::time::Instant::now();
        let v = Vocabulary::build(words.iter().map(|w| (vec![w.as_str()], vec![])));
        assert_eq!(v.tags.len(), 5000);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
