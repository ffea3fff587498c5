//! The file list's columns: which are shown and how wide, from the list's inner width and
//! what the visible rows hold. Each column has a minimum and a share; columns get their
//! minimum in priority order (a column whose minimum no longer fits is left out, with every
//! column after it), then the room left is shared out up to what the content needs, and
//! whatever is still left goes to the name and the tags.

/// A column of the file list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Two cells: the selection mark (`●`) and the state badge (`✗` failed, `⧗` pending).
    Mark,
    Name,
    Folder,
    Tags,
    Ai,
    Size,
    Updated,
}

impl Col {
    /// The column header.
    pub fn label(self) -> &'static str {
        match self {
            Col::Mark => "",
            Col::Name => "name",
            Col::Folder => "folder",
            Col::Tags => "tags",
            Col::Ai => "AI tags",
            Col::Size => "size",
            Col::Updated => "updated",
        }
    }

    /// The least room it is shown with, and its share of the rest (0: it takes exactly
    /// what its content needs).
    fn room(self) -> (usize, usize) {
        match self {
            Col::Mark | Col::Size | Col::Updated => (0, 0),
            Col::Name => (22, 5),
            Col::Tags => (12, 4),
            // Narrower than this a folder rarely says anything: the editor shows the path.
            Col::Folder => (18, 2),
            Col::Ai => (12, 2),
        }
    }
}

/// The order columns get their minimum: the name and tags come before the date, the folder
/// (the editor shows the focused file's path) and the AI tags (the editor shows them too).
const PRIORITY: [Col; 7] = [
    Col::Mark,
    Col::Name,
    Col::Size,
    Col::Tags,
    Col::Updated,
    Col::Folder,
    Col::Ai,
];

/// The order on screen.
const ORDER: [Col; 7] = [
    Col::Mark,
    Col::Name,
    Col::Folder,
    Col::Tags,
    Col::Ai,
    Col::Size,
    Col::Updated,
];

/// Cells between columns.
pub const SPACING: usize = 1;

/// The shown columns in screen order with their widths, for `avail` cells; `natural` is the
/// width a column's content (header included) needs.
pub fn widths(avail: usize, natural: impl Fn(Col) -> usize) -> Vec<(Col, usize)> {
    let mut shown: Vec<(Col, usize)> = Vec::new();
    let mut used = 0;
    for col in PRIORITY {
        let (min, share) = col.room();
        let need = if share == 0 {
            natural(col)
        } else {
            min.min(natural(col))
        };
        let gap = if shown.is_empty() { 0 } else { SPACING };
        if used + gap + need > avail {
            break;
        }
        used += gap + need;
        shown.push((col, need));
    }
    let mut extra = avail - used;
    // Shares, up to what the content needs, a round at a time.
    loop {
        let wanting: Vec<usize> = (0..shown.len())
            .filter(|&i| shown[i].0.room().1 > 0 && shown[i].1 < natural(shown[i].0))
            .collect();
        let shares: usize = wanting.iter().map(|&i| shown[i].0.room().1).sum();
        if extra == 0 || shares == 0 {
            break;
        }
        let round = extra;
        for i in wanting {
            let (col, w) = shown[i];
            let give = (round * col.room().1 / shares)
                .max(1)
                .min(natural(col) - w)
                .min(extra);
            shown[i].1 += give;
            extra -= give;
        }
    }
    // The rest to the name and the tags.
    let takers: Vec<usize> = (0..shown.len())
        .filter(|&i| matches!(shown[i].0, Col::Name | Col::Tags))
        .collect();
    let n = takers.len().max(1);
    for (k, &i) in takers.iter().enumerate() {
        shown[i].1 += extra / n + usize::from(k < extra % n);
    }
    shown.sort_by_key(|(c, _)| ORDER.iter().position(|o| o == c));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(c: Col) -> usize {
        match c {
            Col::Mark => 2,
            Col::Name | Col::Folder => 37,
            Col::Tags => 44,
            Col::Ai => 30,
            Col::Size => 8,
            Col::Updated => 10,
        }
    }

    fn total(cols: &[(Col, usize)]) -> usize {
        cols.iter().map(|c| c.1).sum::<usize>() + SPACING * (cols.len() - 1)
    }

    #[test]
    fn narrow_lists_keep_the_name_and_tags_readable_and_drop_the_rest() {
        // 80 columns: the list is 50 cells inside.
        let cols = widths(50, demo);
        let names: Vec<Col> = cols.iter().map(|c| c.0).collect();
        assert_eq!(names, [Col::Mark, Col::Name, Col::Tags, Col::Size]);
        assert_eq!(total(&cols), 50);
        assert!(cols[1].1 >= 20, "{cols:?}");
    }

    #[test]
    fn wide_lists_show_every_column_and_share_the_room() {
        let cols = widths(126, demo);
        assert_eq!(cols.len(), 7);
        assert_eq!(total(&cols), 126);
        let w = |c| cols.iter().find(|x| x.0 == c).unwrap().1;
        assert_eq!((w(Col::Size), w(Col::Updated), w(Col::Mark)), (8, 10, 2));
        assert!(w(Col::Name) > w(Col::Folder) && w(Col::Tags) > w(Col::Ai));
        // Everything fits: the content's width, the rest to the name and the tags.
        let cols = widths(300, demo);
        assert_eq!(total(&cols), 300);
        let w = |c| cols.iter().find(|x| x.0 == c).unwrap().1;
        assert_eq!((w(Col::Folder), w(Col::Ai)), (37, 30));
        assert!(w(Col::Name) > 37 && w(Col::Tags) > 44);
    }

    #[test]
    fn short_content_takes_only_what_it_needs() {
        let cols = widths(74, |c| match c {
            Col::Ai => 7,
            Col::Folder => 8,
            Col::Size => 4,
            other => demo(other),
        });
        assert_eq!(cols.len(), 7);
        let w = |c| cols.iter().find(|x| x.0 == c).unwrap().1;
        assert_eq!((w(Col::Ai), w(Col::Folder), w(Col::Size)), (7, 8, 4));
        assert_eq!(total(&cols), 74);
    }
}
