//! The receipt lookup's screen wired to its plain state (`crate::receipt`):
//! each key changes the entry, then the screen shows it; a complete entry
//! is asked of the station, whose answer comes back through
//! [`show_answer`].

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::{KioskWindow, Lobby};
use crate::receipt::{Answer, Entry, Field, Query};

fn show_entry(lobby: &Lobby<'_>, entry: &Entry) {
    lobby.set_receipt_number(entry.number.clone().into());
    lobby.set_receipt_code(entry.code.clone().into());
    lobby.set_receipt_field(match entry.field {
        Field::Number => 0,
        Field::Code => 1,
    });
}

/// Shows the station's answer to a lookup.
pub fn show_answer(window: &KioskWindow, answer: &Answer) {
    let lobby = window.global::<Lobby>();
    let lines: Vec<SharedString> = answer.lines.iter().map(|l| l.into()).collect();
    lobby.set_receipt_lines(ModelRc::from(Rc::new(VecModel::from(lines))));
    lobby.set_receipt_found(answer.found);
}

/// Wires the keypad, the fields and a scanner's typing; `ask` gets each
/// complete entry.
pub fn wire_receipt(window: &KioskWindow, ask: impl Fn(Query) + 'static) {
    let entry = Rc::new(RefCell::new(Entry::default()));
    let weak = window.as_weak();
    window.global::<Lobby>().on_receipt_key(move |key| {
        let Some(w) = weak.upgrade() else {
            return;
        };
        let lobby = w.global::<Lobby>();
        let asked = entry.borrow_mut().key(&key);
        if key == "clear" {
            show_answer(&w, &Answer::default());
        }
        show_entry(&lobby, &entry.borrow());
        if let Some(query) = asked {
            ask(query);
        }
    });
}

/// Types `text` and a line end into the window as key events, as a USB
/// scanner does: through the same key handler as a keyboard.
pub fn scan(window: &KioskWindow, text: &str) {
    use slint::platform::WindowEvent;
    for c in text.chars().chain(std::iter::once('\n')) {
        let text: SharedString = c.to_string().into();
        window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text });
    }
}

/// The lookup as the `state` command shows it.
pub fn describe(lobby: &Lobby<'_>) -> serde_json::Value {
    serde_json::json!({
        "number": lobby.get_receipt_number().to_string(),
        "code": lobby.get_receipt_code().to_string(),
        "field": lobby.get_receipt_field(),
        "found": lobby.get_receipt_found(),
        "lines": lobby.get_receipt_lines().iter().map(|l| l.to_string()).collect::<Vec<_>>(),
    })
}
