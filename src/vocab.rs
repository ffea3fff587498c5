//! The tag vocabulary of a library: every tag and AI tag with its file count, and
//! near-duplicates grouped (case, spaces, hyphens, underscores, a plural `s`):
//! `summer-sale` / `Summer Sale` / `summersale` / `SUMMER_SALE`, `jacket` / `Jackets`.

use std::collections::BTreeMap;

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub files: usize,
    pub tags: Vec<TagCount>,
    pub ai_tags: Vec<TagCount>,
    pub near_duplicates: Vec<NearDuplicates>,
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
}
