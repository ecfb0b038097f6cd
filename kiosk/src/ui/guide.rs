//! The lobby guide's screens wired to its plain state (`crate::guide`): each
//! touch changes the guide, then the screens show it. Opening the guide takes
//! the catalog in force at that moment.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{GuideItem, KioskWindow, Lobby, MaterialLine, MatterInfo, QuestionLine};
use crate::guide::{Guide, GuideView};
use crate::matters::Book;

/// What the citizen asked of the station at the guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GuideRequest {
    /// Print this matter's one-time notice.
    Print { matter: String, english: bool },
    /// Take a ticket for this matter.
    Take { matter: String, english: bool },
}

/// How many matters a page shows, and in how many columns: fewer while the
/// keyboard is up, one column on a portrait panel.
pub fn page_shape(portrait: bool, searching: bool) -> (usize, usize) {
    match (portrait, searching) {
        (false, false) => (2, 3),
        (false, true) => (2, 2),
        (true, false) => (1, 7),
        (true, true) => (1, 5),
    }
}

fn portrait(window: &KioskWindow) -> bool {
    let size = window.window().size();
    size.height > size.width
}

/// Shows the guide's view.
pub fn show_guide(window: &KioskWindow, guide: &mut Guide) {
    let lobby = window.global::<Lobby>();
    let english = lobby.get_english();
    let searching = guide.view(english).searching;
    let (columns, rows) = page_shape(portrait(window), searching);
    guide.set_per_page(columns * rows);
    let view = guide.view(english);
    apply(&lobby, &view, columns, rows);
}

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

fn apply(lobby: &Lobby<'_>, view: &GuideView, columns: usize, rows: usize) {
    lobby.set_guide_searching(view.searching);
    lobby.set_guide_category(view.category.clone().into());
    lobby.set_guide_letters(view.letters.clone().into());
    lobby.set_guide_page(view.page as i32);
    lobby.set_guide_pages(view.pages as i32);
    lobby.set_guide_total(view.total as i32);
    lobby.set_guide_columns(columns as i32);
    lobby.set_guide_rows(rows as i32);
    lobby.set_guide_items(model(
        view.items
            .iter()
            .map(|i| GuideItem {
                id: i.id.clone().into(),
                zh: i.zh.clone().into(),
                en: i.en.clone().into(),
                detail_zh: i.detail_zh.clone().into(),
                detail_en: i.detail_en.clone().into(),
            })
            .collect(),
    ));
    if let Some(m) = &view.matter {
        lobby.set_guide_matter(MatterInfo {
            id: m.id.clone().into(),
            name: m.name.clone().into(),
            other: m.other.clone().into(),
            windows: m.windows.clone().into(),
            limit: m.limit.clone().into(),
            fee: m.fee.clone().into(),
            flags: m.flags.clone().into(),
            materials: model(
                m.materials
                    .iter()
                    .map(|x| MaterialLine {
                        name: x.name.clone().into(),
                        form: x.form.clone().into(),
                        note: x.note.clone().into(),
                    })
                    .collect(),
            ),
            conditions: model(m.conditions.iter().map(|c| c.clone().into()).collect()),
            steps: model(m.steps.iter().map(|c| c.clone().into()).collect()),
            questions: model(
                m.questions
                    .iter()
                    .map(|(q, a)| QuestionLine {
                        q: q.clone().into(),
                        a: a.clone().into(),
                    })
                    .collect(),
            ),
        });
    }
}

/// A touch's change to the guide, with the callback's argument.
type Change = Rc<dyn Fn(&mut Guide, &str)>;

/// Wires the guide's callbacks; `ask` receives what is for the station.
pub fn wire_guide(window: &KioskWindow, book: Book, ask: impl Fn(GuideRequest) + 'static) {
    let guide = Rc::new(RefCell::new(Guide::default()));
    let lobby = window.global::<Lobby>();
    // Each touch changes the guide, then the screens show it.
    let on = |change: Change| {
        let guide = Rc::clone(&guide);
        let weak = window.as_weak();
        move |arg: slint::SharedString| {
            if let Some(w) = weak.upgrade() {
                let mut g = guide.borrow_mut();
                change(&mut g, &arg);
                show_guide(&w, &mut g);
            }
        }
    };
    let start = on(Rc::new(move |g, _| *g = Guide::new(book.current(), 6)));
    lobby.on_guide_start(move || start("".into()));
    lobby.on_guide_browse(on(Rc::new(|g, id| g.category(id))));
    let search = on(Rc::new(|g, _| g.search()));
    lobby.on_guide_search(move || search("".into()));
    lobby.on_guide_key(on(Rc::new(|g, key| g.key(key))));
    let turn = on(Rc::new(|g, forward| g.turn(forward == "1")));
    lobby.on_guide_turn(move |forward| turn(if forward { "1" } else { "0" }.into()));
    lobby.on_guide_open(on(Rc::new(|g, id| g.open(id))));
    // The guide follows the language switch (the screen's texts switch too).
    let relabel = on(Rc::new(|_, _| {}));
    lobby.on_language_changed(move |english| {
        super::select_language(english);
        relabel("".into());
    });
    let ask = Rc::new(ask);
    let weak = window.as_weak();
    let english = move || {
        weak.upgrade()
            .is_some_and(|w| w.global::<Lobby>().get_english())
    };
    let (asking, in_english) = (Rc::clone(&ask), english.clone());
    lobby.on_guide_print_notice(move |matter| {
        asking(GuideRequest::Print {
            matter: matter.to_string(),
            english: in_english(),
        });
    });
    lobby.on_guide_take(move |matter| {
        ask(GuideRequest::Take {
            matter: matter.to_string(),
            english: english(),
        });
    });
}
