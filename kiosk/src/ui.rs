//! The Slint adapter: turns the station's view into `Lobby` properties, turns
//! `Lobby` callbacks into intents, and carries out the control socket's screen
//! commands (tap, screenshot).
//!
//! Everything here runs on the Slint thread. The runtime reaches it through
//! [`SlintScreen`], which only posts closures to the event loop and never blocks.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use board::command::Target;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, ModelRc, VecModel};

use crate::domain::{MAX_TEXT, Phone, Topic};
use crate::form::{ComplaintForm, Keyboard, PHRASES};
use crate::screen::{
    self, ComplaintOutcome, PrintState, ReceiptView, ScreenOps, ScreenView, TicketView,
};

slint::include_modules!();

thread_local! {
    /// Staff photos as loaded, by file and its time: the view is applied
    /// every second, a photo read once (again when replaced).
    static PHOTOS: RefCell<std::collections::HashMap<(String, Option<std::time::SystemTime>), slint::Image>> =
        RefCell::new(Default::default());
}

/// A staff photo for the notice board; an empty image for none (or one
/// that no longer loads).
fn photo(file: &str) -> slint::Image {
    if file.is_empty() {
        return slint::Image::default();
    }
    let modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    PHOTOS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() > 64 {
            cache.clear();
        }
        cache
            .entry((file.to_string(), modified))
            .or_insert_with(|| slint::Image::load_from_path(Path::new(file)).unwrap_or_default())
            .clone()
    })
}

/// Sets everything the home screen shows.
pub fn apply_view(window: &KioskWindow, view: &ScreenView) {
    let lobby = window.global::<Lobby>();
    let categories: Vec<CategoryItem> = view
        .categories
        .iter()
        .map(|c| CategoryItem {
            id: c.id.clone().into(),
            zh: c.zh.clone().into(),
            en: c.en.clone().into(),
            issuing: c.issuing,
            waiting: c.waiting as i32,
            wait: minutes(c.wait_minutes),
            away_zh: c.away_zh.clone().into(),
            away_en: c.away_en.clone().into(),
        })
        .collect();
    let serving: Vec<ServingItem> = view
        .serving
        .iter()
        .map(|s| ServingItem {
            window: i32::from(s.window),
            ticket: s.ticket.clone().into(),
            fresh: s.fresh,
            announcing: s.announcing,
            paused: s.paused,
            away_zh: s.away_zh.clone().into(),
            away_en: s.away_en.clone().into(),
            post_zh: s.post_zh.clone().into(),
            post_en: s.post_en.clone().into(),
        })
        .collect();
    lobby.set_categories(ModelRc::from(Rc::new(VecModel::from(categories))));
    lobby.set_serving(ModelRc::from(Rc::new(VecModel::from(serving))));
    lobby.set_issuing(view.issuing);
    lobby.set_evacuate(view.evacuate);
    let alarms: Vec<AlarmItem> = view
        .alarms
        .iter()
        .map(|a| AlarmItem {
            zone: a.zone.clone().into(),
            label: a.label.clone().into(),
            state: a.state.clone().into(),
            latched: a.latched,
            acknowledged: a.acknowledged,
            fault: a.fault,
        })
        .collect();
    lobby.set_alarms_latched(view.alarms.iter().filter(|a| a.latched).count() as i32);
    lobby.set_alarms(ModelRc::from(Rc::new(VecModel::from(alarms))));
    lobby.set_printer_state(view.printer.clone().into());
    lobby.set_printer_ok(view.printer_ok);
    let summary: Vec<SummaryItem> = view
        .summary
        .iter()
        .map(|r| SummaryItem {
            label: r.label.clone().into(),
            value: r.value.clone().into(),
        })
        .collect();
    lobby.set_summary(ModelRc::from(Rc::new(VecModel::from(summary))));
    let on_duty: Vec<OnDutyItem> = view
        .on_duty
        .iter()
        .map(|d| OnDutyItem {
            window: i32::from(d.window),
            who: d.who.clone().into(),
            mine: d.mine,
        })
        .collect();
    lobby.set_on_duty(ModelRc::from(Rc::new(VecModel::from(on_duty))));
    lobby.set_voice_line(view.voice_line.clone().into());
    lobby.set_next_open(view.next_open.clone().into());
    lobby.set_roster_duty(view.duty.clone().into());
    lobby.set_closure_notice(view.closure.clone().into());
    let pages: Vec<BoardPage> = view
        .board
        .iter()
        .map(|p| BoardPage {
            title: p.title.clone().into(),
            lines: ModelRc::from(Rc::new(VecModel::from(
                p.lines
                    .iter()
                    .map(|l| slint::SharedString::from(l.as_str()))
                    .collect::<Vec<_>>(),
            ))),
            photos: ModelRc::from(Rc::new(VecModel::from(
                p.photos.iter().map(|f| photo(f)).collect::<Vec<_>>(),
            ))),
        })
        .collect();
    lobby.set_board_pages(ModelRc::from(Rc::new(VecModel::from(pages))));
    lobby.set_notice(view.notice.clone().into());
    lobby.set_clock_doubt(view.clock_doubt.clone().into());
    lobby.set_time(view.time.clone().into());
    lobby.set_date_zh(view.date_zh.clone().into());
    lobby.set_date_en(view.date_en.clone().into());
}

/// Shows a freshly issued ticket.
pub fn show_ticket(window: &KioskWindow, ticket: &TicketView) {
    let lobby = window.global::<Lobby>();
    lobby.set_ticket(TicketInfo {
        code: ticket.code.clone().into(),
        zh: ticket.zh.clone().into(),
        en: ticket.en.clone().into(),
        priority: ticket.priority,
        ahead: ticket.ahead as i32,
        wait: minutes(ticket.wait_minutes),
        time: ticket.time.clone().into(),
        print: print_code(ticket.print),
    });
    lobby.set_seconds_left(lobby.get_ticket_seconds());
    lobby.set_screen(Screen::Ticket);
    lobby.set_busy(false);
}

/// Minutes for the screen; -1 is "unknown".
fn minutes(m: Option<u32>) -> i32 {
    m.map_or(-1, |m| i32::try_from(m).unwrap_or(i32::MAX))
}

fn print_code(state: PrintState) -> i32 {
    match state {
        PrintState::Printing => 0,
        PrintState::Printed => 1,
        PrintState::Failed => 2,
        PrintState::NoPrinter => 3,
        PrintState::Held => 4,
    }
}

/// Updates the print line when the ticket (or the complaint receipt) on
/// screen is the one that printed.
pub fn set_print_state(window: &KioskWindow, code: &str, state: PrintState) {
    let lobby = window.global::<Lobby>();
    let mut ticket = lobby.get_ticket();
    if ticket.code == code {
        ticket.print = print_code(state);
        lobby.set_ticket(ticket);
    }
    if code == "guide" && lobby.get_guide_print() != 0 {
        lobby.set_guide_print(match state {
            PrintState::Printing => 1,
            PrintState::Printed => 2,
            PrintState::Failed | PrintState::Held => 3,
            PrintState::NoPrinter => 4,
        });
    }
    let mut receipt = lobby.get_receipt();
    if receipt.case == code {
        receipt.print = print_code(state);
        lobby.set_receipt(receipt);
    }
}

/// A complaint the citizen confirmed, for the station.
#[derive(Clone, Debug)]
pub struct Submission {
    pub topic: Topic,
    pub window: Option<u8>,
    pub text: String,
    pub phone: Option<Phone>,
    pub form: u64,
    pub english: bool,
}

/// How much of the text the text box shows: its end.
const TAIL: usize = 60;

/// Shows the form's state on the complaint screens.
fn show_form(lobby: &Lobby<'_>, form: &ComplaintForm) {
    let v = form.view();
    let count = v.text.chars().count();
    let tail: String = if count > TAIL {
        let rest: String = v.text.chars().skip(count - TAIL + 1).collect();
        format!("…{rest}")
    } else {
        v.text.clone()
    };
    // The read-back shows the text as the case keeps it (numbers masked);
    // the text box, the text as typed.
    lobby.set_form_text(v.read_back.into());
    lobby.set_form_text_tail(tail.into());
    lobby.set_form_count(v.count as i32);
    lobby.set_form_letters(v.letters.into());
    let candidates: Vec<slint::SharedString> = v.candidates.into_iter().map(Into::into).collect();
    lobby.set_form_candidates(ModelRc::from(Rc::new(VecModel::from(candidates))));
    lobby.set_form_earlier(v.earlier);
    lobby.set_form_later(v.later);
    lobby.set_form_keyboard(form.keyboard.index());
    lobby.set_form_phone(v.phone.into());
    lobby.set_form_phone_masked(v.phone_masked.into());
    lobby.set_form_phone_error(v.phone_error.into());
    // Every touch of the form restarts the idle time.
    lobby.set_seconds_left(lobby.get_complaint_idle_seconds());
}

/// A number for a new form: the station finds a second submit of it.
fn form_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    // Strictly increasing even if the clock repeats itself.
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// Connects the complaint screens to a form kept here, on the Slint thread;
/// `submit` gets the confirmed complaint (once per form).
pub fn wire_complaint(window: &KioskWindow, submit: impl Fn(Submission) + 'static) {
    let form = Rc::new(RefCell::new(ComplaintForm::default()));
    let lobby = window.global::<Lobby>();
    let phrases: Vec<PhraseItem> = PHRASES
        .iter()
        .map(|(zh, en)| PhraseItem {
            zh: (*zh).into(),
            en: (*en).into(),
        })
        .collect();
    lobby.set_phrases(ModelRc::from(Rc::new(VecModel::from(phrases))));
    lobby.set_form_max(MAX_TEXT as i32);

    // Each touch changes the form, then the screens show it.
    let on = |change: Rc<dyn Fn(&mut ComplaintForm)>| {
        let form = Rc::clone(&form);
        let weak = window.as_weak();
        move || {
            if let Some(w) = weak.upgrade() {
                change(&mut form.borrow_mut());
                show_form(&w.global::<Lobby>(), &form.borrow());
            }
        }
    };
    let start = on(Rc::new(|f| *f = ComplaintForm::new(form_id())));
    let weak = window.as_weak();
    lobby.on_complaint_start(move || {
        if let Some(w) = weak.upgrade() {
            let lobby = w.global::<Lobby>();
            lobby.set_form_topic(0);
            lobby.set_form_window(0);
            lobby.set_form_message("".into());
            lobby.set_form_sent(false);
            lobby.set_busy(false);
        }
        start();
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_key(move |key| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().key(&key);
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_pick(move |i| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().pick(usize::try_from(i).unwrap_or(0));
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_turn(move |forward| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().turn(forward);
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_switch(move |i| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().switch(Keyboard::from_index(i));
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_phrase(move |phrase| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().phrase(&phrase);
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    lobby.on_form_clear(on(Rc::new(ComplaintForm::clear_text)));
    lobby.on_form_text_done(on(Rc::new(ComplaintForm::finish_text)));
    lobby.on_form_anonymous_chosen(on(Rc::new(ComplaintForm::stay_anonymous)));
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_phone_key(move |key| {
        if let Some(w) = weak.upgrade() {
            f.borrow_mut().phone_key(&key);
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_form_phone_done(move || {
        let ok = f.borrow_mut().check_phone().is_ok();
        if let Some(w) = weak.upgrade() {
            show_form(&w.global::<Lobby>(), &f.borrow());
        }
        ok
    });
    let f = Rc::clone(&form);
    let weak = window.as_weak();
    lobby.on_complaint_submit(move || {
        let Some(w) = weak.upgrade() else { return };
        let lobby = w.global::<Lobby>();
        let form = f.borrow();
        let topic = usize::try_from(lobby.get_form_topic())
            .ok()
            .and_then(|i| Topic::ALL.get(i).copied());
        // Sent once until the station answers (it also knows the form's
        // number, so even a second send files one case).
        let (Some(topic), false) = (topic, lobby.get_form_sent()) else {
            return;
        };
        lobby.set_form_sent(true);
        submit(Submission {
            topic,
            window: u8::try_from(lobby.get_form_window())
                .ok()
                .filter(|w| *w > 0),
            text: form.text().to_string(),
            phone: if form.anonymous { None } else { form.phone() },
            form: form.form,
            english: lobby.get_english(),
        });
    });
}

/// How long the case number stays on screen.
const RECEIPT_SECONDS: i32 = 45;

/// The station filed the complaint (its number, large) or could not.
pub fn show_complaint(window: &KioskWindow, outcome: &ComplaintOutcome) {
    let lobby = window.global::<Lobby>();
    lobby.set_busy(false);
    lobby.set_form_sent(false);
    match outcome {
        ComplaintOutcome::Filed(ReceiptView {
            case,
            answer_by,
            working_days,
            provisional: _,
            print,
        }) => {
            lobby.set_receipt(ReceiptInfo {
                case: case.clone().into(),
                answer_by: answer_by.clone().into(),
                days: *working_days as i32,
                print: print_code(*print),
            });
            // Only over the read-back: a citizen who gave up waiting has
            // moved on, and the next one must not get this number.
            if lobby.get_screen() == Screen::ComplaintConfirm {
                lobby.set_seconds_left(RECEIPT_SECONDS);
                lobby.set_screen(Screen::ComplaintDone);
            }
        }
        // The reason is for the technician (it is logged); the citizen is
        // asked to fetch staff.
        ComplaintOutcome::Refused(_) => {
            lobby.set_form_message(
                "未能提交，请联系工作人员 Not filed: please ask the staff".into(),
            );
        }
    }
}

/// The touch could not become a ticket: show why, and accept touches again.
pub fn show_problem(window: &KioskWindow, closed: bool) {
    let lobby = window.global::<Lobby>();
    lobby.set_busy(false);
    if closed {
        lobby.set_screen(Screen::Home);
    } else {
        lobby.set_seconds_left(lobby.get_idle_seconds());
        lobby.set_screen(Screen::Problem);
    }
}

/// Finds the element a tap means: a point on the screen, an element id
/// (`Component::id` or just `id`), an accessible id (`category-A`), or an
/// accessible label. Elements are looked up through Slint's element
/// search, which only the `screen-probe` feature builds (it is not in the
/// Pi package; ADR 0024); a point works in every build.
fn find(window: &KioskWindow, target: &Target) -> Result<LogicalPosition, String> {
    match target {
        Target::At { x, y } => {
            let scale = window.window().scale_factor();
            Ok(LogicalPosition::new(x / scale, y / scale))
        }
        _ => find_element(window, target),
    }
}

#[cfg(not(feature = "screen-probe"))]
fn find_element(_: &KioskWindow, _: &Target) -> Result<LogicalPosition, String> {
    Err("this kiosk was built without screen probes (feature `screen-probe`): tap a point, `tap X Y`".into())
}

#[cfg(feature = "screen-probe")]
fn find_element(window: &KioskWindow, target: &Target) -> Result<LogicalPosition, String> {
    use i_slint_backend_testing::{ElementHandle, ElementRoot};
    let visible = |e: &ElementHandle| {
        let size = e.size();
        e.is_valid() && size.width > 0.0 && size.height > 0.0 && e.computed_opacity() > 0.0
    };
    let (found, missing): (Vec<ElementHandle>, String) = match target {
        Target::At { .. } => return find(window, target),
        Target::Label(label) => (
            ElementHandle::find_by_accessible_label(window, label).collect(),
            format!("nothing on the screen has the label `{label}`"),
        ),
        Target::Id(id) if id.contains("::") => (
            ElementHandle::find_by_element_id(window, id).collect(),
            format!("nothing on the screen has the id `{id}`"),
        ),
        Target::Id(id) => {
            let wanted = id.clone();
            let suffix = format!("::{id}");
            let found = ElementHandle::query_descendants(&window.root_element())
                .match_predicate(move |e| {
                    e.accessible_id().is_some_and(|a| a == wanted.as_str())
                        || e.id().is_some_and(|i| i.ends_with(&suffix))
                })
                .find_all();
            (found, format!("nothing on the screen has the id `{id}`"))
        }
    };
    let element = found.iter().find(|e| visible(e)).ok_or(missing)?;
    if element.accessible_enabled() == Some(false) {
        return Err("that element is disabled".into());
    }
    let pos = element.absolute_position();
    let size = element.size();
    Ok(LogicalPosition::new(
        pos.x + size.width / 2.0,
        pos.y + size.height / 2.0,
    ))
}

/// Taps the screen as a finger would: move, press, release.
pub fn tap(window: &KioskWindow, target: &Target) -> Result<(), String> {
    let position = find(window, target)?;
    let w = window.window();
    let button = PointerEventButton::Left;
    w.dispatch_event(WindowEvent::PointerMoved { position });
    w.dispatch_event(WindowEvent::PointerPressed { position, button });
    w.dispatch_event(WindowEvent::PointerReleased { position, button });
    w.dispatch_event(WindowEvent::PointerExited);
    Ok(())
}

/// Renders the current screen and writes it as a PNG.
pub fn screenshot(window: &KioskWindow, path: &Path) -> Result<(), String> {
    let shot = window
        .window()
        .take_snapshot()
        .map_err(|e| format!("cannot render the screen: {e}"))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), shot.width(), shot.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    writer
        .write_image_data(shot.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    writer
        .finish()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The name the station loop reads a screen aloud by (`home`, `ticket`,
/// `complaint-phone`…); the home screen while ticketing is closed is
/// `closed`.
pub fn screen_name(screen: Screen, issuing: bool) -> &'static str {
    match screen {
        Screen::Home if !issuing => "closed",
        // The board's pages are not among the clips (no 读给我听 there).
        Screen::Home | Screen::Board | Screen::Receipt | Screen::StaffLogin | Screen::Staff => {
            "home"
        }
        Screen::Priority => "priority",
        Screen::Ticket => "ticket",
        Screen::Problem => "no-ticket",
        Screen::ComplaintTopic => "complaint-topic",
        Screen::ComplaintWindow => "complaint-window",
        Screen::ComplaintText => "complaint-text",
        Screen::ComplaintPhone => "complaint-phone",
        Screen::ComplaintConfirm => "complaint-confirm",
        Screen::ComplaintDone => "complaint-done",
        Screen::Guide => "guide",
        Screen::GuideMatter => "guide-matter",
    }
}

/// Switches the static texts between Chinese (the source) and English.
pub fn select_language(english: bool) {
    if let Err(e) = slint::select_bundled_translation(if english { "en" } else { "" }) {
        tracing::warn!("cannot switch the screen language: {e}");
    }
}

/// How long the lobby thanks a citizen for a rating.
const THANKS_SECONDS: i32 = 5;

/// The [`Screen`] the runtime drives: posts each change to the Slint thread.
#[derive(Clone)]
pub struct SlintScreen {
    window: slint::Weak<KioskWindow>,
}

impl SlintScreen {
    pub fn new(window: &KioskWindow) -> Self {
        Self {
            window: window.as_weak(),
        }
    }

    fn post(&self, f: impl FnOnce(KioskWindow) + Send + 'static) {
        // Fails only when the event loop is gone, that is, while shutting down.
        let _ = self.window.upgrade_in_event_loop(f);
    }
}

impl screen::Screen for SlintScreen {
    fn show_view(&self, view: ScreenView) {
        self.post(move |w| apply_view(&w, &view));
    }

    fn show_ticket(&self, ticket: TicketView) {
        self.post(move |w| show_ticket(&w, &ticket));
    }

    fn print_state(&self, code: String, state: PrintState) {
        self.post(move |w| set_print_state(&w, &code, state));
    }

    fn problem(&self, closed: bool) {
        self.post(move |w| show_problem(&w, closed));
    }

    fn staff(&self, outcome: screen::StaffOutcome) {
        self.post(move |w| {
            let lobby = w.global::<Lobby>();
            match outcome {
                screen::StaffOutcome::SignedIn { name } => {
                    lobby.set_staff_name(name.into());
                    lobby.set_staff_message("".into());
                    lobby.set_staff_tab(0);
                    lobby.set_screen(Screen::Staff);
                }
                screen::StaffOutcome::Message(text) => lobby.set_staff_message(text.into()),
            }
        });
    }

    fn complaint(&self, outcome: ComplaintOutcome) {
        self.post(move |w| show_complaint(&w, &outcome));
    }

    fn receipt(&self, answer: crate::receipt::Answer) {
        self.post(move |w| receipt::show_answer(&w, &answer));
    }

    fn thank(&self, window: u8) {
        self.post(move |w| {
            let lobby = w.global::<Lobby>();
            lobby.set_thanks_window(i32::from(window));
            lobby.set_thanks_seconds_left(THANKS_SECONDS);
        });
    }

    fn run(&self, job: screen::ScreenJob) {
        self.post(move |w| job(&w));
    }

    fn quit(&self) {
        let _ = slint::invoke_from_event_loop(|| {
            let _ = slint::quit_event_loop();
        });
    }
}

impl ScreenOps for KioskWindow {
    fn tap(&self, target: &Target) -> Result<(), String> {
        tap(self, target)
    }
    fn screenshot(&self, path: &Path) -> Result<(), String> {
        screenshot(self, path)
    }
    fn describe(&self) -> serde_json::Value {
        describe(self)
    }
    fn scan(&self, text: &str) -> Result<(), String> {
        receipt::scan(self, text);
        Ok(())
    }
}

fn print_name(code: i32) -> &'static str {
    match code {
        0 => "printing",
        1 => "printed",
        4 => "held",
        2 => "failed",
        _ => "no_printer",
    }
}

/// What the screen shows, for the `state` command.
pub fn describe(window: &KioskWindow) -> serde_json::Value {
    let lobby = window.global::<Lobby>();
    let ticket = lobby.get_ticket();
    let screen = match lobby.get_screen() {
        // Staff mode shows above the evacuation screen.
        Screen::StaffLogin => "staff_login",
        Screen::Staff => "staff",
        _ if lobby.get_evacuate() => "evacuate",
        Screen::Home if lobby.get_issuing() => "home",
        Screen::Home => "closed",
        Screen::Board => "board",
        Screen::Receipt => "receipt",
        Screen::Priority => "priority",
        Screen::Ticket => "ticket",
        Screen::Problem => "problem",
        Screen::ComplaintTopic => "complaint_topic",
        Screen::ComplaintWindow => "complaint_window",
        Screen::ComplaintText => "complaint_text",
        Screen::ComplaintPhone => "complaint_phone",
        Screen::ComplaintConfirm => "complaint_confirm",
        Screen::ComplaintDone => "complaint_done",
        Screen::Guide => "guide",
        Screen::GuideMatter => "guide_matter",
    };
    let print = print_name(ticket.print);
    let size = window.window().size();
    serde_json::json!({
        "screen": screen,
        "ticket": if screen == "ticket" { ticket.code.to_string() } else { String::new() },
        "print": if screen == "ticket" { print } else { "" },
        "notice": lobby.get_notice().to_string(),
        // The notice board's page: its title and lines.
        "board": if screen == "board" {
            use slint::Model;
            let pages = lobby.get_board_pages();
            let page = pages.row_data(lobby.get_board_page().max(0) as usize).unwrap_or_default();
            serde_json::json!({
                "page": lobby.get_board_page(),
                "pages": pages.row_count(),
                "title": page.title.to_string(),
                "lines": page.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
                "photos": page.photos.iter().filter(|p| p.size().width > 0).count(),
            })
        } else {
            serde_json::Value::Null
        },
        "closure": lobby.get_closure_notice().to_string(),
        "lookup": if screen == "receipt" { receipt::describe(&lobby) } else { serde_json::Value::Null },
        // The closed screen's duty by the roster (the configured phone
        // shows without one).
        "duty": if screen == "closed" { lobby.get_roster_duty().to_string() } else { String::new() },
        "thanks_window": lobby.get_thanks_window(),
        "receipt": if screen == "complaint_done" { lobby.get_receipt().case.to_string() } else { String::new() },
        "receipt_print": if screen == "complaint_done" { print_name(lobby.get_receipt().print) } else { "" },
        // The complaint form's progress, never its text or number (a
        // scenario's `state` answers are logged).
        "form_count": lobby.get_form_count(),
        "form_letters": lobby.get_form_letters().to_string(),
        "form_phone_error": lobby.get_form_phone_error() != "",
        "english": lobby.get_english(),
        // Staff mode's page and what it says.
        "staff": if screen == "staff" {
            use slint::Model;
            serde_json::json!({
                "tab": lobby.get_staff_tab(),
                "message": lobby.get_staff_message().to_string(),
                "printer": lobby.get_printer_state().to_string(),
                "printer_ok": lobby.get_printer_ok(),
                "clock_doubt": lobby.get_clock_doubt().to_string(),
                "voice": lobby.get_voice_line().to_string(),
                "summary": lobby.get_summary().iter()
                    .map(|r| (r.label.to_string(), r.value.to_string()))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            })
        } else {
            serde_json::Value::Null
        },
        // The lobby guide: what was typed, the page's matters, the one open.
        "guide": if screen == "guide" || screen == "guide_matter" {
            use slint::Model;
            serde_json::json!({
                "searching": lobby.get_guide_searching(),
                "category": lobby.get_guide_category().to_string(),
                "letters": lobby.get_guide_letters().to_string(),
                "items": lobby.get_guide_items().iter().map(|i| i.id.to_string()).collect::<Vec<_>>(),
                "page": lobby.get_guide_page(),
                "pages": lobby.get_guide_pages(),
                "total": lobby.get_guide_total(),
                "matter": if screen == "guide_matter" { lobby.get_guide_matter().id.to_string() } else { String::new() },
                "name": if screen == "guide_matter" { lobby.get_guide_matter().name.to_string() } else { String::new() },
                "materials": lobby.get_guide_matter().materials.row_count(),
                "print": lobby.get_guide_print(),
            })
        } else {
            serde_json::Value::Null
        },
        "width": size.width,
        "height": size.height,
    })
}

#[cfg(test)]
mod fit;
pub mod guide;
pub mod headless;
pub mod notice;
pub mod receipt;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use i_slint_backend_testing::mock_elapsed_time;
    use slint::Model;

    use super::*;

    /// Advances mock time a second at a time, as the real clock would.
    fn seconds(n: u32) {
        for _ in 0..n {
            mock_elapsed_time(Duration::from_secs(1));
        }
    }

    fn ticket() -> TicketView {
        TicketView {
            code: "A001".into(),
            zh: "社保医保".into(),
            en: "Social & Medical Insurance".into(),
            priority: false,
            ahead: 2,
            wait_minutes: Some(8),
            time: "09:00".into(),
            print: PrintState::Printing,
        }
    }

    #[test]
    fn left_alone_the_screen_returns_home_and_to_chinese() {
        // Thread-local testing platform with mock time: timers fire only when
        // the test advances time.
        i_slint_backend_testing::init_no_event_loop();
        let window = KioskWindow::new().unwrap();
        let lobby = window.global::<Lobby>();
        lobby.set_idle_seconds(30);
        lobby.set_ticket_seconds(20);

        show_ticket(&window, &ticket());
        assert_eq!(lobby.get_screen(), Screen::Ticket);
        // The timer starts on the first tick after the screen changes: the
        // number stays 20 to 21 seconds.
        seconds(19);
        assert_eq!(
            lobby.get_screen(),
            Screen::Ticket,
            "the number stays long enough to remember"
        );
        seconds(2);
        assert_eq!(lobby.get_screen(), Screen::Home);

        // Someone switched to English and walked away: the next citizen gets Chinese.
        lobby.set_english(true);
        lobby.set_seconds_left(30);
        seconds(29);
        assert!(lobby.get_english());
        seconds(2);
        assert!(!lobby.get_english());

        // The printer's answer updates the ticket on screen, and only that one.
        show_ticket(&window, &ticket());
        set_print_state(&window, "A002", PrintState::Failed);
        assert_eq!(lobby.get_ticket().print, 0);
        set_print_state(&window, "A001", PrintState::Failed);
        assert_eq!(lobby.get_ticket().print, 2);
        let described = describe(&window);
        assert_eq!(
            (described["screen"].as_str(), described["print"].as_str()),
            (Some("ticket"), Some("failed"))
        );

        // On the simulated board, keys typed on the window reach the keypad.
        let typed = Rc::new(std::cell::RefCell::new(String::new()));
        let sink = Rc::clone(&typed);
        lobby.on_sim_key(move |text| sink.borrow_mut().push_str(&text));
        window.show().unwrap();
        let key = |text: &str| {
            window
                .window()
                .dispatch_event(WindowEvent::KeyPressed { text: text.into() });
            window
                .window()
                .dispatch_event(WindowEvent::KeyReleased { text: text.into() });
        };
        key("1");
        assert_eq!(*typed.borrow(), "", "only the simulated board takes keys");
        lobby.set_simulated(true);
        key("1");
        key("q");
        assert_eq!(*typed.borrow(), "1q");
    }

    #[test]
    fn the_complaint_form_submits_once_and_walking_away_files_nothing() {
        i_slint_backend_testing::init_no_event_loop();
        let window = KioskWindow::new().unwrap();
        let lobby = window.global::<Lobby>();
        lobby.set_complaint_idle_seconds(90);
        let sent = Rc::new(RefCell::new(Vec::<Submission>::new()));
        let sink = Rc::clone(&sent);
        wire_complaint(&window, move |s| sink.borrow_mut().push(s));

        // Walking away while typing: home after the idle time, nothing sent.
        lobby.invoke_complaint_start();
        lobby.set_screen(Screen::ComplaintText);
        for k in ["h", "a", "o"] {
            lobby.invoke_form_key(k.into());
        }
        assert_eq!(lobby.get_form_letters(), "hao");
        assert_eq!(
            lobby.get_form_candidates().row_data(0).as_deref(),
            Some("好"),
            "the most frequent character for hao"
        );
        seconds(60);
        lobby.invoke_form_key("back".into());
        seconds(60);
        assert_eq!(
            lobby.get_screen(),
            Screen::ComplaintText,
            "a key restarts the idle time"
        );
        seconds(31);
        assert_eq!(lobby.get_screen(), Screen::Home);
        assert!(sent.borrow().is_empty());

        // A new form starts empty; a double submit sends once.
        lobby.invoke_complaint_start();
        assert_eq!(lobby.get_form_letters(), "");
        assert_eq!(lobby.get_form_count(), 0);
        lobby.set_form_topic(3);
        lobby.set_form_window(2);
        lobby.invoke_form_phrase(PHRASES[4].0.into());
        // A number typed into the text: the text box shows it as typed, the
        // read-back masked, as it masks the callback number.
        for k in "139/1234/5678".chars() {
            lobby.invoke_form_key(k.to_string().into());
        }
        assert!(lobby.get_form_text_tail().ends_with("139/1234/5678"));
        assert!(lobby.get_form_text().ends_with("139/****/5678"));
        for _ in 0..13 {
            lobby.invoke_form_key("back".into());
        }
        for d in "13912345678".chars() {
            lobby.invoke_form_phone_key(d.to_string().into());
        }
        assert!(lobby.invoke_form_phone_done());
        assert_eq!(lobby.get_form_phone_masked(), "139****5678");
        lobby.invoke_complaint_submit();
        lobby.invoke_complaint_submit();
        let sent = sent.borrow();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].topic, Topic::Fees);
        assert_eq!(sent[0].window, Some(2));
        assert_eq!(sent[0].text, PHRASES[4].0);
        assert_eq!(sent[0].phone.as_ref().map(Phone::full), Some("13912345678"));

        // The station's answer shows the number over the read-back only
        // (not over whatever the next citizen is doing); the printer's
        // answer updates it.
        lobby.set_screen(Screen::Home);
        let answer = ComplaintOutcome::Filed(ReceiptView {
            case: "2026-0004".into(),
            answer_by: "2026-12-07".into(),
            working_days: 5,
            provisional: false,
            print: PrintState::Printing,
        });
        show_complaint(&window, &answer);
        assert_eq!(lobby.get_screen(), Screen::Home);
        lobby.set_screen(Screen::ComplaintConfirm);
        show_complaint(
            &window,
            &ComplaintOutcome::Filed(ReceiptView {
                case: "2026-0004".into(),
                answer_by: "2026-12-07".into(),
                working_days: 5,
                provisional: false,
                print: PrintState::Printing,
            }),
        );
        assert_eq!(lobby.get_screen(), Screen::ComplaintDone);
        set_print_state(&window, "2026-0004", PrintState::Failed);
        assert_eq!(lobby.get_receipt().print, 2);
        assert_eq!(describe(&window)["receipt_print"], "failed");
    }
}
