//! The lobby guide (办事指南) on the touchscreen, as plain state: the
//! category chosen or the pinyin typed, the page of matters shown, the
//! matter opened. No Slint here — `ui.rs` shows a [`GuideView`] and
//! forwards each touch to a method — so the guide's rules are tested
//! without a screen.
//!
//! Browsing lists a category's matters a page at a time; searching matches
//! the letters typed on the on-screen keyboard against each matter's pinyin
//! (initials, syllables or a mix: `ylbx` finds 养老保险) on every
//! keystroke. The catalog is the one in force when the guide is opened.

use std::sync::Arc;

use crate::domain::{CategoryId, Fee, Matter, Matters, TimeLimit};

/// Letters typed at most.
pub const MAX_LETTERS: usize = 16;

/// One matter in a list.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GuideItem {
    pub id: String,
    pub zh: String,
    pub en: String,
    /// Time limit and fee in a line: `即办 · 不收费`.
    pub detail_zh: String,
    pub detail_en: String,
}

/// One material of the open matter's checklist.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MaterialLine {
    pub name: String,
    /// `原件及复印件 2 份`, and `可在本站复印` where the station copies it.
    pub form: String,
    pub note: String,
}

/// The open matter's page.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MatterPage {
    pub id: String,
    pub name: String,
    /// The other language's name, empty when the catalog has none.
    pub other: String,
    pub windows: String,
    pub limit: String,
    pub fee: String,
    /// 可代办 / 须本人到场, as they apply.
    pub flags: String,
    pub materials: Vec<MaterialLine>,
    pub conditions: Vec<String>,
    pub steps: Vec<String>,
    pub questions: Vec<(String, String)>,
}

/// What the guide's screens show.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct GuideView {
    pub searching: bool,
    pub category: String,
    pub letters: String,
    pub items: Vec<GuideItem>,
    /// Zero-based page and the number of pages (at least 1).
    pub page: usize,
    pub pages: usize,
    /// How many matters match in all.
    pub total: usize,
    pub matter: Option<MatterPage>,
}

/// The guide's state.
#[derive(Clone, Debug)]
pub struct Guide {
    matters: Arc<Matters>,
    category: Option<CategoryId>,
    searching: bool,
    letters: String,
    page: usize,
    per_page: usize,
    open: Option<String>,
}

impl Default for Guide {
    /// The guide before it is first opened: no matters, one a page.
    fn default() -> Self {
        Guide::new(Arc::default(), 1)
    }
}

impl Guide {
    /// The guide opened on `matters` (the catalog in force), on the first
    /// category that has matters, `per_page` matters a page.
    pub fn new(matters: Arc<Matters>, per_page: usize) -> Self {
        let category = matters.matters.first().map(|m| m.category);
        Guide {
            matters,
            category,
            searching: false,
            letters: String::new(),
            page: 0,
            per_page: per_page.max(1),
            open: None,
        }
    }

    pub fn set_per_page(&mut self, per_page: usize) {
        self.per_page = per_page.max(1);
        self.page = self.page.min(self.pages().saturating_sub(1));
    }

    /// Browse a category.
    pub fn category(&mut self, id: &str) {
        if let Some(c) = CategoryId::parse(id) {
            self.category = Some(c);
            self.searching = false;
            self.page = 0;
        }
    }

    /// Switch to the pinyin search (keeping what was typed).
    pub fn search(&mut self) {
        self.searching = true;
        self.page = 0;
    }

    /// A key of the search keyboard: a letter, `back` (delete), `clear`.
    pub fn key(&mut self, key: &str) {
        match key {
            "back" => {
                self.letters.pop();
            }
            "clear" => self.letters.clear(),
            k => {
                for c in k.chars().filter(char::is_ascii_alphabetic) {
                    if self.letters.len() < MAX_LETTERS {
                        self.letters.push(c.to_ascii_lowercase());
                    }
                }
            }
        }
        self.searching = true;
        self.page = 0;
    }

    pub fn turn(&mut self, forward: bool) {
        if forward {
            self.page = (self.page + 1).min(self.pages().saturating_sub(1));
        } else {
            self.page = self.page.saturating_sub(1);
        }
    }

    /// Opens a matter's page; an id not in the catalog is ignored.
    pub fn open(&mut self, id: &str) {
        if self.matters.matters.iter().any(|m| m.id.as_str() == id) {
            self.open = Some(id.to_string());
        }
    }

    /// Back from a matter's page to the list.
    pub fn close(&mut self) {
        self.open = None;
    }

    /// The matter open now.
    pub fn opened(&self) -> Option<&Matter> {
        let id = self.open.as_deref()?;
        self.matters.matters.iter().find(|m| m.id.as_str() == id)
    }

    fn list(&self) -> Vec<&Matter> {
        if self.searching {
            self.matters.search(&self.letters)
        } else {
            match self.category {
                Some(c) => self.matters.in_category(c).collect(),
                None => Vec::new(),
            }
        }
    }

    fn pages(&self) -> usize {
        self.list().len().div_ceil(self.per_page).max(1)
    }

    pub fn view(&self, english: bool) -> GuideView {
        let list = self.list();
        let pages = list.len().div_ceil(self.per_page).max(1);
        let page = self.page.min(pages - 1);
        let items = list
            .iter()
            .skip(page * self.per_page)
            .take(self.per_page)
            .map(|m| item(m))
            .collect();
        GuideView {
            searching: self.searching,
            category: self.category.map(|c| c.to_string()).unwrap_or_default(),
            letters: self.letters.clone(),
            items,
            page,
            pages,
            total: list.len(),
            matter: self.opened().map(|m| matter_page(m, english)),
        }
    }
}

fn limit(limit: TimeLimit, english: bool) -> String {
    if english { limit.en() } else { limit.zh() }
}

fn fee(fee: &Fee, english: bool) -> String {
    if english { fee.en() } else { fee.zh() }
}

fn item(m: &Matter) -> GuideItem {
    GuideItem {
        id: m.id.to_string(),
        zh: m.name.zh.clone(),
        en: m.name.en.clone().unwrap_or_else(|| m.name.zh.clone()),
        detail_zh: format!("{} · {}", m.limit.zh(), m.fee.zh()),
        detail_en: format!("{} · {}", m.limit.en(), m.fee.en()),
    }
}

fn matter_page(m: &Matter, english: bool) -> MatterPage {
    let windows = m
        .windows
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(if english { ", " } else { "、" });
    let mut flags = Vec::new();
    if m.proxy {
        flags.push(if english {
            "Our agent can take it for you"
        } else {
            "可由代办员代办"
        });
    }
    if m.in_person {
        flags.push(if english {
            "Come in person"
        } else {
            "须本人到场"
        });
    }
    let fee_text = match (&m.fee, english) {
        (Fee::Charged { amount, basis }, false) => format!("{amount}（依据：{basis}）"),
        (Fee::Charged { amount, basis }, true) => format!("{amount} (basis: {basis})"),
        (free, e) => fee(free, e),
    };
    MatterPage {
        id: m.id.to_string(),
        name: m.name.shown(english).to_string(),
        other: match (&m.name.en, english) {
            (Some(en), false) => en.clone(),
            (Some(_), true) => m.name.zh.clone(),
            (None, _) => String::new(),
        },
        windows: if english {
            windows
        } else {
            format!("{windows} 号窗口")
        },
        limit: limit(m.limit, english),
        fee: fee_text,
        flags: flags.join(if english { "; " } else { "，" }),
        materials: m
            .materials
            .iter()
            .map(|x| {
                let mut form = if english { x.form_en() } else { x.form_zh() };
                if x.station_copies {
                    form.push_str(if english {
                        "; copies made here"
                    } else {
                        "，可在本站复印"
                    });
                }
                MaterialLine {
                    name: x.name.shown(english).to_string(),
                    form,
                    note: x
                        .note
                        .as_ref()
                        .map(|n| n.shown(english).to_string())
                        .unwrap_or_default(),
                }
            })
            .collect(),
        conditions: m
            .conditions
            .iter()
            .map(|c| c.shown(english).to_string())
            .collect(),
        steps: m
            .steps
            .iter()
            .map(|s| s.shown(english).to_string())
            .collect(),
        questions: m
            .questions
            .iter()
            .map(|q| {
                (
                    q.question.shown(english).to_string(),
                    q.answer.shown(english).to_string(),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Arc<Matters> {
        let catalog =
            crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG).unwrap();
        Arc::new(
            crate::config::parse_matters(
                "matters.toml",
                crate::config::SAMPLE_MATTERS,
                &catalog,
                0,
            )
            .unwrap(),
        )
    }

    #[test]
    fn a_guide_never_opened_shows_nothing_and_takes_every_touch() {
        // The language switch shows the guide again even before it was
        // opened (this once divided by zero).
        let mut g = Guide::default();
        assert_eq!(g.view(true).items, []);
        g.set_per_page(0);
        g.turn(true);
        g.key("a");
        g.category("A");
        g.open("dibao");
        let v = g.view(false);
        assert_eq!((v.page, v.pages, v.total), (0, 1, 0));
        assert!(v.matter.is_none());
    }

    #[test]
    fn browsing_pages_through_a_category() {
        let mut g = Guide::new(sample(), 4);
        let v = g.view(false);
        assert_eq!(v.category, "A");
        assert!(!v.searching);
        assert_eq!(v.items.len(), 4);
        let a_count = v.total;
        assert_eq!(v.pages, a_count.div_ceil(4));
        g.turn(true);
        g.turn(true);
        g.turn(true);
        let last = g.view(false);
        assert_eq!(last.page, last.pages - 1, "turning stops at the last page");
        g.turn(false);
        assert_eq!(g.view(false).page, last.pages.saturating_sub(2));
        g.category("B");
        let b = g.view(false);
        assert_eq!((b.category.as_str(), b.page), ("B", 0));
        assert!(
            b.items.iter().any(|i| i.zh == "高龄津贴申请"),
            "{:?}",
            b.items
        );
        // A letter that is no category changes nothing.
        g.category("养");
        assert_eq!(g.view(false).category, "B");
    }

    #[test]
    fn typing_pinyin_finds_matters_by_initials_and_syllables() {
        let mut g = Guide::new(sample(), 6);
        for k in ["y", "l", "b", "x"] {
            g.key(k);
        }
        let v = g.view(false);
        assert!(v.searching);
        assert_eq!(v.letters, "ylbx");
        assert!(
            v.items.iter().any(|i| i.zh.contains("养老保险")),
            "{:?}",
            v.items
        );
        assert!(v.items.iter().all(|i| !i.zh.contains("低保")));
        g.key("clear");
        for k in ["g", "a", "o", "l", "i", "n", "g"] {
            g.key(k);
        }
        assert_eq!(g.view(false).items[0].zh, "高龄津贴申请");
        g.key("back");
        assert_eq!(g.view(false).letters, "gaolin");
        // Nothing typed, nothing listed; too many letters are not taken.
        g.key("clear");
        assert!(g.view(false).items.is_empty());
        for _ in 0..40 {
            g.key("a");
        }
        assert_eq!(g.view(false).letters.len(), MAX_LETTERS);
    }

    #[test]
    fn a_matter_page_lists_every_material_with_form_and_copies() {
        let mut g = Guide::new(sample(), 4);
        g.open("dibao");
        let page = g.view(false).matter.unwrap();
        assert_eq!(page.name, "最低生活保障申请");
        assert_eq!(page.materials.len(), 10);
        assert!(page.materials.iter().all(|m| m.form.contains("份")));
        assert!(page.windows.contains("号窗口"));
        let en = g.view(true).matter.unwrap();
        assert_ne!(en.name, page.name, "the catalog gives an English name");
        assert_eq!(en.other, page.name);
        g.close();
        assert!(g.view(false).matter.is_none());
        g.open("no-such-matter");
        assert!(g.view(false).matter.is_none());
    }
}
