//! Staff mode's written notice of missing materials (补正告知), as plain
//! state and its wiring: the category, then the matter, then the materials
//! missing ticked, a page at a time; printing sends the staff action.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{KioskWindow, Lobby, NoticeItem};
use crate::domain::{CategoryId, Matter, Matters};
use crate::matters::Book;
use crate::screen::StaffAction;

/// Matters or materials on one page.
pub const PER_PAGE: usize = 6;

/// The notice being made.
#[derive(Clone, Debug, Default)]
pub struct NoticeForm {
    matters: Arc<Matters>,
    category: Option<CategoryId>,
    matter: Option<String>,
    missing: BTreeSet<usize>,
    page: usize,
}

/// One choice on the page: its key (a matter's id, a material's place),
/// label and whether it is chosen.
pub type Item = (String, String, bool);

impl NoticeForm {
    /// Chooses a category of the catalog now in force.
    pub fn category(&mut self, matters: Arc<Matters>, id: &str) {
        self.matters = matters;
        self.category = CategoryId::parse(id);
        self.matter = None;
        self.missing.clear();
        self.page = 0;
    }

    /// Chooses a matter (empty: choose again).
    pub fn matter(&mut self, id: &str) {
        self.matter = self
            .matters
            .matters
            .iter()
            .any(|m| m.id.as_str() == id)
            .then(|| id.to_string());
        self.missing.clear();
        self.page = 0;
    }

    pub fn toggle(&mut self, key: &str) {
        if let (Some(m), Ok(i)) = (self.chosen(), key.parse::<usize>())
            && i < m.materials.len()
            && !self.missing.remove(&i)
        {
            self.missing.insert(i);
        }
    }

    pub fn turn(&mut self, forward: bool) {
        let pages = self.pages();
        self.page = if forward {
            (self.page + 1).min(pages - 1)
        } else {
            self.page.saturating_sub(1)
        };
    }

    fn chosen(&self) -> Option<&Matter> {
        let id = self.matter.as_deref()?;
        self.matters.matters.iter().find(|m| m.id.as_str() == id)
    }

    fn all(&self) -> Vec<Item> {
        match self.chosen() {
            Some(m) => m
                .materials
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let label = format!("{} {}", x.name.zh, x.form_zh());
                    (i.to_string(), label, self.missing.contains(&i))
                })
                .collect(),
            None => match self.category {
                Some(c) => self
                    .matters
                    .in_category(c)
                    .map(|m| (m.id.to_string(), m.name.zh.clone(), false))
                    .collect(),
                None => Vec::new(),
            },
        }
    }

    fn pages(&self) -> usize {
        self.all().len().div_ceil(PER_PAGE).max(1)
    }

    /// The page shown, its number and the number of pages.
    pub fn page(&self) -> (Vec<Item>, usize, usize) {
        let pages = self.pages();
        let page = self.page.min(pages - 1);
        let items = self
            .all()
            .into_iter()
            .skip(page * PER_PAGE)
            .take(PER_PAGE)
            .collect();
        (items, page, pages)
    }

    /// The staff action that prints the notice, once a matter is chosen.
    pub fn action(&self, window: u8) -> Option<StaffAction> {
        let m = self.chosen()?;
        Some(StaffAction::Notice {
            window,
            matter: m.id.to_string(),
            version: self.matters.version,
            missing: self.missing.iter().copied().collect(),
        })
    }
}

fn show(window: &KioskWindow, form: &NoticeForm) {
    let lobby = window.global::<Lobby>();
    let (items, page, pages) = form.page();
    lobby.set_notice_category(
        form.category
            .map(|c| c.to_string())
            .unwrap_or_default()
            .into(),
    );
    lobby.set_notice_matter(form.matter.clone().unwrap_or_default().into());
    lobby.set_notice_matter_name(
        form.chosen()
            .map(|m| m.name.zh.clone())
            .unwrap_or_default()
            .into(),
    );
    lobby.set_notice_page(page as i32);
    lobby.set_notice_pages(pages as i32);
    lobby.set_notice_items(ModelRc::from(Rc::new(VecModel::from(
        items
            .into_iter()
            .map(|(key, label, chosen)| NoticeItem {
                key: key.into(),
                label: label.into(),
                chosen,
            })
            .collect::<Vec<_>>(),
    ))));
}

/// A touch's change to the form, with the callback's argument.
type Change = Rc<dyn Fn(&mut NoticeForm, &str)>;

/// Wires the notice page; `send` takes the staff action that prints it.
pub fn wire_staff_notice(window: &KioskWindow, book: Book, send: impl Fn(StaffAction) + 'static) {
    let form = Rc::new(RefCell::new(NoticeForm::default()));
    let lobby = window.global::<Lobby>();
    let on = |change: Change| {
        let form = Rc::clone(&form);
        let weak = window.as_weak();
        move |arg: slint::SharedString| {
            if let Some(w) = weak.upgrade() {
                change(&mut form.borrow_mut(), &arg);
                show(&w, &form.borrow());
            }
        }
    };
    lobby.on_notice_choose_category(on(Rc::new(move |f, id| f.category(book.current(), id))));
    lobby.on_notice_choose_matter(on(Rc::new(|f, id| f.matter(id))));
    lobby.on_notice_toggle(on(Rc::new(|f, key| f.toggle(key))));
    let turn = on(Rc::new(|f, forward| f.turn(forward == "1")));
    lobby.on_notice_turn(move |forward| turn(if forward { "1" } else { "0" }.into()));
    let f = Rc::clone(&form);
    lobby.on_notice_print(move |window| {
        if let Some(action) = u8::try_from(window).ok().and_then(|w| f.borrow().action(w)) {
            send(action);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Arc<Matters> {
        let catalog =
            crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG).unwrap();
        Arc::new(crate::matters::sample(&catalog))
    }

    #[test]
    fn a_category_then_a_matter_then_what_is_missing() {
        let mut f = NoticeForm::default();
        assert_eq!(f.page().0, [], "nothing before a category");
        assert!(f.action(1).is_none());
        f.category(sample(), "B");
        let (items, _, pages) = f.page();
        assert!(items.iter().any(|(k, _, _)| k == "dibao"), "{items:?}");
        assert_eq!(pages, 1);
        f.matter("dibao");
        let (items, page, pages) = f.page();
        assert_eq!((items.len(), page, pages), (PER_PAGE, 0, 2));
        f.toggle("1");
        f.toggle("9");
        f.toggle("9");
        f.toggle("30");
        f.toggle("x");
        f.turn(true);
        f.turn(true);
        assert_eq!(f.page().1, 1);
        f.toggle("7");
        assert!(f.page().0.iter().any(|(k, _, chosen)| k == "7" && *chosen));
        let Some(StaffAction::Notice {
            window,
            matter,
            version,
            missing,
        }) = f.action(2)
        else {
            panic!()
        };
        assert_eq!((window, matter.as_str(), version), (2, "dibao", 0));
        assert_eq!(missing, [1, 7]);
        // Choosing again clears what was ticked.
        f.matter("");
        assert!(f.action(2).is_none());
        f.matter("dibao");
        assert!(
            matches!(f.action(2), Some(StaffAction::Notice { missing, .. }) if missing.is_empty())
        );
    }
}
