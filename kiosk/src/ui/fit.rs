//! The layout test: every screen, in every state, fits every panel the
//! product supports (PRODUCT.md §6). A test module of `ui`, in the library's
//! one test binary with the other UI tests.

use std::collections::BTreeSet;
use std::time::Duration;

use i_slint_backend_testing::{ElementHandle, ElementRoot, mock_elapsed_time};

use super::*;

mod long;
use long::{long_matters, long_view};

/// The panels the product supports (PRODUCT.md §6, layout).
const PANELS: [(u32, u32); 5] = [
    (800, 480),
    (1024, 600),
    (1280, 800),
    (720, 1280),
    (1080, 1920),
];

/// The smallest a touch target may be, each way, in the screen's unit `u`
/// (a 480th of the shorter side). On the official 7" 800×480 display
/// (active area 154 × 86 mm) 44u is 44 pixels, 8.5 mm wide and 7.9 mm
/// high; any panel of 7" or more has a shorter side of at least 86 mm, so
/// the floor is never below 7.9 mm there, and larger panels make it
/// larger. That is above the 7 mm common touch guidelines set as their
/// minimum and near the 9 mm they recommend, for fingers that are less
/// steady than most. It cannot be higher without breaking the keyboard:
/// ten keys share a row of a portrait panel, 480u wide. Everything a
/// citizen touches besides keys is far larger. Mirrored by `Theme.touch`
/// (theme.slint) so that the layouts can ask for it; this number, not the
/// theme's, is what the test holds them to (ADR 0020).
const TARGET_U: f32 = 44.0;

fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::from(Rc::new(VecModel::from(items)))
}

/// The shipped catalog, and one with names as long as a station may
/// give them and a sixth category.
const SHIPPED: &[(&str, &str, &str)] = &[
    ("A", "社保医保", "Social & Medical Insurance"),
    ("B", "民政救助", "Civil Affairs & Aid"),
    ("C", "户籍证件", "Residence & ID Papers"),
    ("D", "代办服务", "Proxy Service"),
    ("E", "咨询", "Enquiries"),
];
const LONG: &[(&str, &str, &str)] = &[
    (
        "A",
        "社会保险医疗保险",
        "Social Insurance and Medical Insurance",
    ),
    (
        "B",
        "民政救助社会福利",
        "Civil Affairs, Relief and Social Welfare",
    ),
    (
        "C",
        "户籍证件出入境",
        "Household Registration and Identity Papers",
    ),
    (
        "D",
        "代办服务帮办服务",
        "Errands Done on Your Behalf, Free of Charge",
    ),
    ("E", "政策咨询", "Enquiries about Benefits and Procedures"),
    (
        "F",
        "退役军人服务",
        "Services for Veterans and Their Families",
    ),
];

/// Fills the window with the station's data at its longest: long names,
/// six windows, four long exits, four zones (three in alarm, all faulty),
/// a printer fault.
fn dress(window: &KioskWindow, catalog: &[(&str, &str, &str)], evacuate: bool) {
    let lobby = window.global::<Lobby>();
    lobby.set_station_zh("红星镇红星村党群服务中心便民服务站".into());
    lobby.set_station_en(
        "Hongxing Village Party and Public Service Centre Convenience Station".into(),
    );
    lobby.set_duty_phone("0731-88888888 转 8008".into());
    lobby.set_hotline("0731-12345678".into());
    lobby.set_hours_zh("工作日 08:30-12:00 14:00-17:30（节假日休息）".into());
    lobby.set_hours_en("Working days 08:30-12:00 and 14:00-17:30 (closed on holidays)".into());
    lobby.set_window_numbers(model((1..=6).collect()));
    lobby.set_exits(model(vec![
        "正门（一楼大厅南侧） Main entrance, south side of the hall".into(),
        "东侧门（经走廊尽头） East door at the end of the corridor".into(),
        "西侧消防楼梯 West fire stairs, next to window 6".into(),
        "后院出口（停车场方向） Back yard exit towards the car park".into(),
    ]));
    let mut view = long_view(catalog);
    view.evacuate = evacuate;
    apply_view(window, &view);
}

/// The longest texts the complaint form can hold: Chinese (the widest
/// characters), and letters or digits with no space to break at.
fn fill_text(lobby: &Lobby<'_>, kind: &str) {
    match kind {
        "chinese" => {
            for _ in 0..30 {
                lobby.invoke_form_phrase(PHRASES[2].0.into());
            }
        }
        "letters" => {
            lobby.invoke_form_switch(1);
            for _ in 0..MAX_TEXT {
                lobby.invoke_form_key("w".into());
            }
        }
        _ => {
            lobby.invoke_form_switch(2);
            for _ in 0..MAX_TEXT {
                lobby.invoke_form_key("8".into());
            }
        }
    }
    assert_eq!(lobby.get_form_count(), MAX_TEXT as i32);
}

/// One screen in one state, and the controls it must show.
struct State {
    name: &'static str,
    set: fn(&KioskWindow),
    shows: &'static [&'static str],
}

/// Every screen and state, each set up from a fresh window.
fn states() -> Vec<State> {
    fn complaint(w: &KioskWindow) -> Lobby<'_> {
        wire_complaint(w, |_| {});
        let lobby = w.global::<Lobby>();
        lobby.invoke_complaint_start();
        lobby.set_form_topic(2);
        lobby.set_form_window(6);
        lobby
    }
    /// The guide on the sample catalog, or on one with the longest names a
    /// catalog may hold.
    fn guide(w: &KioskWindow, long: bool) -> Lobby<'_> {
        let catalog =
            crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG).unwrap();
        let matters = if long {
            crate::config::parse_matters("long.toml", &long_matters(), &catalog, 0).unwrap()
        } else {
            crate::matters::sample(&catalog)
        };
        super::guide::wire_guide(w, crate::matters::Book::of(matters, &catalog), |_| {});
        let lobby = w.global::<Lobby>();
        lobby.invoke_guide_start();
        lobby
    }
    /// Staff mode's notice page on a category's matters, or on the longest
    /// matter's materials with some ticked.
    fn notice(w: &KioskWindow, materials: bool) {
        let catalog =
            crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG).unwrap();
        let lobby = w.global::<Lobby>();
        lobby.set_notice_window(6);
        if materials {
            let m =
                crate::config::parse_matters("long.toml", &long_matters(), &catalog, 0).unwrap();
            super::notice::wire_staff_notice(w, crate::matters::Book::of(m, &catalog), |_| {});
            lobby.invoke_notice_choose_category("A".into());
            lobby.invoke_notice_choose_matter("long-0".into());
            for i in ["0", "2", "5"] {
                lobby.invoke_notice_toggle(i.into());
            }
        } else {
            super::notice::wire_staff_notice(
                w,
                crate::matters::Book::of(crate::matters::sample(&catalog), &catalog),
                |_| {},
            );
            lobby.invoke_notice_choose_category("B".into());
        }
    }
    fn staff(w: &KioskWindow, tab: i32) {
        let lobby = w.global::<Lobby>();
        lobby.set_staff_name("欧阳文华 Ouyang Wenhua (0101010101010101)".into());
        lobby.set_staff_message(
            "测试页未能打印 · Test page not printed: the printer did not answer within 10 s — check the cable and the power, then try again".into(),
        );
        lobby.set_staff_tab(tab);
        lobby.set_reprint_code("A128".into());
        lobby.set_back_category("F".into());
        lobby.set_back_window(6);
        lobby.set_back_start(23 * 60 + 55);
        lobby.set_back_minutes(720);
        lobby.set_screen(Screen::Staff);
    }
    vec![
        State {
            name: "home",
            set: |w| dress(w, SHIPPED, false),
            shows: &[
                "category-A",
                "priority",
                "guide",
                "complaint",
                "language",
                "staff-entry",
                "board",
            ],
        },
        State {
            name: "notice board",
            set: |w| {
                apply_view(w, &long_view(LONG));
                w.global::<Lobby>().set_screen(Screen::Board);
            },
            shows: &[
                "board-earlier",
                "board-receipt",
                "board-home",
                "board-later",
                "language",
            ],
        },
        State {
            name: "receipt lookup",
            set: |w| {
                let lobby = w.global::<Lobby>();
                lobby.invoke_receipt_key("clear".into());
                lobby.set_screen(Screen::Receipt);
            },
            shows: &[
                "receipt-number",
                "receipt-code",
                "key-receipt-5",
                "key-receipt-back",
                "receipt-ask",
                "receipt-done",
            ],
        },
        State {
            name: "receipt found, longest matter",
            set: |w| {
                let lobby = w.global::<Lobby>();
                lobby.invoke_receipt_key("202600012/4821".into());
                let matter: String = "城乡居民基本养老保险待遇领取资格认证及补发申请"
                    .chars()
                    .cycle()
                    .take(crate::domain::MAX_NAME)
                    .collect();
                super::receipt::show_answer(
                    w,
                    &crate::receipt::Answer {
                        found: true,
                        lines: vec![
                            "回执号 SL2026-00012 · Receipt".into(),
                            format!("办理事项：{matter}"),
                            "当前进度：已通知 · ready to collect".into(),
                            "已办结，请带回执到 12 号窗口领取 · Ready at window 12".into(),
                        ],
                    },
                );
                lobby.set_screen(Screen::Receipt);
            },
            shows: &["receipt-number", "receipt-ask", "key-receipt-0"],
        },
        State {
            name: "receipt not found",
            set: |w| {
                super::receipt::show_answer(w, &crate::receipt::not_found());
                w.global::<Lobby>().set_screen(Screen::Receipt);
            },
            shows: &["receipt-code", "receipt-ask", "receipt-done"],
        },
        State {
            name: "home, long catalog",
            set: |_| {},
            shows: &["category-F", "priority", "complaint"],
        },
        State {
            name: "home, rating thanks",
            set: |w| {
                w.global::<Lobby>().set_thanks_window(6);
            },
            shows: &["category-A", "complaint"],
        },
        State {
            name: "after hours",
            set: |w| {
                let mut view = long_view(LONG);
                view.issuing = false;
                apply_view(w, &view);
            },
            shows: &["complaint", "language", "staff-entry"],
        },
        State {
            name: "priority",
            set: |w| {
                dress(w, SHIPPED, false);
                w.global::<Lobby>().set_screen(Screen::Priority);
            },
            shows: &["priority-A", "back"],
        },
        State {
            name: "priority, long catalog",
            set: |w| w.global::<Lobby>().set_screen(Screen::Priority),
            shows: &["priority-F", "back"],
        },
        State {
            name: "ticket",
            set: |w| {
                show_ticket(
                    w,
                    &TicketView {
                        code: "A128".into(),
                        zh: "社会保险医疗保险".into(),
                        en: "Social Insurance and Medical Insurance".into(),
                        priority: false,
                        ahead: 128,
                        wait_minutes: Some(245),
                        time: "23:59".into(),
                        print: PrintState::Printing,
                    },
                )
            },
            shows: &["done"],
        },
        State {
            name: "priority ticket, printer held",
            set: |w| {
                show_ticket(
                    w,
                    &TicketView {
                        code: "A128".into(),
                        zh: "社会保险医疗保险".into(),
                        en: "Social Insurance and Medical Insurance".into(),
                        priority: true,
                        ahead: 0,
                        wait_minutes: None,
                        time: "23:59".into(),
                        print: PrintState::Held,
                    },
                )
            },
            shows: &["done"],
        },
        State {
            name: "problem",
            set: |w| show_problem(w, false),
            shows: &["done"],
        },
        State {
            name: "complaint: topic",
            set: |w| {
                complaint(w).set_screen(Screen::ComplaintTopic);
            },
            shows: &["topic-0", "topic-5", "form-cancel"],
        },
        State {
            name: "complaint: window",
            set: |w| {
                complaint(w).set_screen(Screen::ComplaintWindow);
            },
            shows: &[
                "window-1",
                "window-6",
                "window-unsure",
                "form-back",
                "form-cancel",
            ],
        },
        State {
            name: "complaint: pinyin, composing",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                for k in "zhonghuarenmingongheguo".chars() {
                    lobby.invoke_form_key(k.to_string().into());
                }
                lobby.invoke_form_turn(true);
                assert!(lobby.get_form_earlier() && lobby.get_form_later());
            },
            shows: &[
                "key-q",
                "key-p",
                "key-l",
                "key-，",
                "key-！",
                "candidate-0",
                "candidate-5",
                "key-earlier",
                "key-later",
                "key-back",
                "key-clear",
                "form-next",
            ],
        },
        State {
            name: "complaint: pinyin, long words",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                for k in "zhonghuarenmingongheguoshehuizhuyi".chars() {
                    lobby.invoke_form_key(k.to_string().into());
                }
            },
            shows: &["candidate-0", "candidate-5", "key-later", "key-p"],
        },
        State {
            name: "complaint: 300 characters, pinyin",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                fill_text(&lobby, "chinese");
                lobby.invoke_form_switch(0);
            },
            shows: &["key-p", "key-l", "key-mode-phrases", "form-next"],
        },
        State {
            name: "complaint: letters without a space",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                fill_text(&lobby, "letters");
            },
            shows: &["key-p", "key-l", "key-mode-latin", "form-next"],
        },
        State {
            name: "complaint: digits",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                fill_text(&lobby, "digits");
            },
            shows: &["key-1", "key-9", "key-0", "key-“", "key-”", "form-next"],
        },
        State {
            name: "complaint: phrases",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintText);
                lobby.invoke_form_switch(3);
            },
            shows: &["key-phrase-0", "key-phrase-7", "key-space", "form-next"],
        },
        State {
            name: "complaint: phone, a wrong number",
            set: |w| {
                let lobby = complaint(w);
                lobby.set_screen(Screen::ComplaintPhone);
                for d in "1281234567".chars() {
                    lobby.invoke_form_phone_key(d.to_string().into());
                }
                assert!(!lobby.invoke_form_phone_done());
            },
            shows: &[
                "key-phone-1",
                "key-phone-3",
                "key-phone-6",
                "key-phone-9",
                "key-phone-0",
                "key-phone-back",
                "key-phone-clear",
                "form-anonymous",
                "form-phone-next",
                "form-back",
                "form-cancel",
            ],
        },
        State {
            name: "complaint: read-back, 300 characters",
            set: |w| {
                let lobby = complaint(w);
                fill_text(&lobby, "chinese");
                for d in "13912345678".chars() {
                    lobby.invoke_form_phone_key(d.to_string().into());
                }
                assert!(lobby.invoke_form_phone_done());
                lobby.set_screen(Screen::ComplaintConfirm);
            },
            shows: &["form-submit", "form-back", "form-cancel"],
        },
        State {
            name: "complaint: read-back, letters, refused",
            set: |w| {
                let lobby = complaint(w);
                fill_text(&lobby, "letters");
                lobby.set_screen(Screen::ComplaintConfirm);
                show_complaint(w, &ComplaintOutcome::Refused("the journal is full".into()));
            },
            shows: &["form-submit", "form-back", "form-cancel"],
        },
        State {
            name: "complaint: done",
            set: |w| {
                complaint(w).set_screen(Screen::ComplaintConfirm);
                show_complaint(
                    w,
                    &ComplaintOutcome::Filed(ReceiptView {
                        case: "2026-1288".into(),
                        answer_by: "2027-01-08".into(),
                        working_days: 15,
                        provisional: true,
                        print: PrintState::Held,
                    }),
                );
            },
            shows: &["form-done"],
        },
        State {
            name: "staff: staff number",
            set: |w| {
                let lobby = w.global::<Lobby>();
                lobby.set_staff_entry_id("0101010101010101".into());
                lobby.set_staff_message("工号或密码不对 Wrong staff number or PIN (3 tries left before a 5-minute wait)".into());
                lobby.set_screen(Screen::StaffLogin);
            },
            shows: &[
                "staff-key-1",
                "staff-key-3",
                "staff-key-9",
                "staff-key-clear",
                "staff-key-0",
                "staff-key-ok",
                "staff-cancel",
            ],
        },
        State {
            name: "staff: PIN",
            set: |w| {
                let lobby = w.global::<Lobby>();
                lobby.set_staff_entry_id("0101010101010101".into());
                lobby.set_staff_entry_pin("13579246".into());
                lobby.set_staff_pin_step(true);
                lobby.set_screen(Screen::StaffLogin);
            },
            shows: &["staff-key-ok", "staff-cancel"],
        },
        State {
            name: "staff: alarms",
            set: |w| staff(w, 0),
            shows: &[
                "staff-exit",
                "staff-tab-alarms",
                "staff-tab-back",
                "staff-ack-panic-window-1",
                "staff-reset-smoke-hall",
                "staff-confirm-clock",
            ],
        },
        State {
            name: "staff: printer",
            set: |w| staff(w, 1),
            shows: &["staff-exit", "staff-paper-changed"],
        },
        State {
            name: "staff: reprint",
            set: |w| staff(w, 2),
            shows: &[
                "staff-reprint-cat-A",
                "staff-reprint-cat-F",
                "staff-reprint-key-3",
                "staff-reprint-key-9",
                "staff-reprint-key-0",
                "staff-reprint-clear",
                "staff-reprint-go",
            ],
        },
        State {
            name: "staff: today",
            set: |w| staff(w, 3),
            shows: &["staff-exit", "staff-tab-today"],
        },
        State {
            name: "staff: on duty",
            set: |w| staff(w, 7),
            shows: &[
                "staff-tab-duty",
                "staff-sign-on-1",
                "staff-sign-off-2",
                "staff-sign-on-6",
            ],
        },
        State {
            name: "staff: voice",
            set: |w| staff(w, 5),
            shows: &[
                "staff-tab-voice",
                "staff-voice-stop",
                "staff-voice-repeat-1",
                "staff-voice-repeat-6",
            ],
        },
        State {
            name: "staff: notice, the matters of a category",
            set: |w| {
                notice(w, false);
                staff(w, 6);
            },
            shows: &[
                "staff-tab-notice",
                "notice-window-1",
                "notice-window-6",
                "notice-cat-A",
                "notice-cat-F",
                "notice-item-dibao",
                "notice-earlier",
                "notice-later",
                "notice-print",
            ],
        },
        State {
            name: "staff: notice, the longest materials ticked",
            set: |w| {
                notice(w, true);
                staff(w, 6);
            },
            shows: &[
                "notice-window-6",
                "notice-other",
                "notice-item-0",
                "notice-item-5",
                "notice-later",
                "notice-print",
            ],
        },
        State {
            name: "staff: back-entry",
            set: |w| staff(w, 4),
            shows: &[
                "back-cat-A",
                "back-cat-F",
                "back-window-1",
                "back-window-6",
                "back-today",
                "back-yesterday",
                "back-start-hour-down",
                "back-start-hour-up",
                "back-minutes-down",
                "back-minutes-up",
                "back-enter",
            ],
        },
        State {
            name: "guide",
            set: |w| guide(w, false).set_screen(Screen::Guide),
            shows: &[
                "guide-category-A",
                "matter-pension-enrol",
                "guide-earlier",
                "guide-later",
                "guide-search",
                "back",
            ],
        },
        State {
            name: "guide, longest names",
            set: |w| guide(w, true).set_screen(Screen::Guide),
            shows: &["matter-long-0", "guide-later", "guide-search", "back"],
        },
        State {
            name: "guide: search",
            set: |w| {
                let lobby = guide(w, false);
                for k in ["y", "l", "b", "x"] {
                    lobby.invoke_guide_key(k.into());
                }
                lobby.set_screen(Screen::Guide);
            },
            shows: &[
                "key-q",
                "key-back",
                "key-clear",
                "guide-browse",
                "matter-pension-enrol",
                "back",
            ],
        },
        State {
            name: "guide: search, nothing found",
            set: |w| {
                let lobby = guide(w, true);
                lobby.invoke_guide_key("qqqqqqqqqqqqqqqq".into());
                lobby.set_screen(Screen::Guide);
            },
            shows: &["key-z", "guide-browse"],
        },
        State {
            name: "guide: a matter, printer fault",
            set: |w| {
                let lobby = guide(w, false);
                lobby.invoke_guide_open("dibao".into());
                lobby.set_guide_print(3);
                lobby.set_screen(Screen::GuideMatter);
            },
            shows: &["materials", "guide-print", "guide-take", "back"],
        },
        State {
            name: "guide: the longest matter",
            set: |w| {
                let lobby = guide(w, true);
                lobby.invoke_guide_open("long-0".into());
                lobby.set_guide_print(1);
                lobby.set_screen(Screen::GuideMatter);
            },
            shows: &["materials", "guide-print", "guide-take", "back"],
        },
        State {
            name: "evacuation",
            set: |w| dress(w, LONG, true),
            shows: &["staff-entry-evacuate"],
        },
        State {
            name: "staff over the evacuation",
            set: |w| {
                dress(w, LONG, true);
                staff(w, 0);
            },
            shows: &["staff-exit", "staff-reset-smoke-hall"],
        },
    ]
}

/// An element as the layout check sees it.
struct Seen {
    handle: ElementHandle,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    name: String,
    /// Takes touches: a button (by its accessible role), a touch area
    /// or a scrolling area.
    touchable: bool,
    /// May draw over what is behind it: anything but a layout, unless
    /// fully transparent.
    draws: bool,
}

impl Seen {
    fn new(handle: ElementHandle) -> Self {
        let p = handle.absolute_position();
        let s = handle.size();
        let kind = |k: &str| {
            handle.type_name().is_some_and(|t| t == k)
                || handle.bases().is_some_and(|mut b| b.any(|t| t == k))
        };
        let touchable = handle.accessible_role()
            == Some(i_slint_backend_testing::AccessibleRole::Button)
            || kind("TouchArea")
            || kind("Flickable");
        let name = handle
            .accessible_id()
            .filter(|i| !i.is_empty())
            .or_else(|| handle.id().filter(|i| !i.is_empty()))
            .or_else(|| handle.accessible_label().filter(|l| !l.is_empty()))
            .or_else(|| handle.type_name())
            .map(|n| n.to_string())
            .unwrap_or_default();
        let draws = handle.layout_kind().is_none() && handle.computed_opacity() > 0.0;
        Self {
            x: p.x,
            y: p.y,
            w: s.width,
            h: s.height,
            name,
            touchable,
            draws,
            handle,
        }
    }

    fn overlaps(&self, other: &Seen) -> bool {
        let across = (self.x + self.w).min(other.x + other.w) - self.x.max(other.x);
        let down = (self.y + self.h).min(other.y + other.h) - self.y.max(other.y);
        across > 0.5 && down > 0.5
    }

    /// Whether `other` is another element of the same item (a component
    /// and its root are one item, listed one after the other).
    fn same_item(&self, other: &Seen) -> bool {
        (self.x, self.y, self.w, self.h) == (other.x, other.y, other.w, other.h)
            && self.handle.accessible_role() == other.handle.accessible_role()
            && self.handle.accessible_id() == other.handle.accessible_id()
            && self.handle.accessible_label() == other.handle.accessible_label()
            && descendants(&self.handle) == descendants(&other.handle)
    }
}

fn descendants(e: &ElementHandle) -> usize {
    let mut n = 0;
    e.visit_descendants(|_| {
        n += 1;
        std::ops::ControlFlow::<()>::Continue(())
    });
    n
}

/// What is wrong with the window as it is laid out now: every touchable
/// element must lie inside the window, be at least [`TARGET_U`] each
/// way, and not be covered.
///
/// Covered: Slint draws its element tree depth first, a parent before
/// its children and children in the order written (`z` reorders
/// siblings in the tree itself), and
/// `ElementHandle::visit_descendants` walks it in that order, skipping
/// what is not visible. So everything drawn above an element comes
/// after it in the walk: first its own descendants (its label, its
/// touch area — part of it), then everything else. An element is
/// covered when one of those others, other than a layout (which draws
/// nothing) or something fully transparent, overlaps it. Its
/// descendants are the block right after it: as many as a walk from the
/// element itself finds. The check is conservative: a transparent
/// container laid over a button counts as covering it, since the
/// element tree does not say what a rectangle fills with.
fn layout_problems(window: &KioskWindow) -> (Vec<String>, BTreeSet<String>) {
    let size = window.window().size();
    let scale = window.window().scale_factor();
    let (width, height) = (size.width as f32 / scale, size.height as f32 / scale);
    let target = TARGET_U * width.min(height) / 480.0;
    let mut all = Vec::new();
    window.root_element().visit_descendants(|e| {
        all.push(Seen::new(e));
        std::ops::ControlFlow::<()>::Continue(())
    });
    let mut problems = Vec::new();
    let mut found = BTreeSet::new();
    // The end of the last touchable element's descendants: a button's
    // own touch area is part of the button, not a second target.
    let mut inside_until = 0;
    let mut i = 0;
    while i < all.len() {
        let mut last = i;
        while last + 1 < all.len() && all[last + 1].same_item(&all[i]) {
            last += 1;
        }
        let item = &all[i..=last];
        let index = i;
        i = last + 1;
        let Some(e) = item.iter().find(|e| e.touchable) else {
            continue;
        };
        if index <= inside_until {
            continue;
        }
        found.insert(e.name.clone());
        let at = format!(
            "`{}` at {:.0},{:.0} {:.0}×{:.0}",
            e.name, e.x, e.y, e.w, e.h
        );
        if e.x < -0.5 || e.y < -0.5 || e.x + e.w > width + 0.5 || e.y + e.h > height + 0.5 {
            problems.push(format!("{at} is not inside the window"));
        }
        if e.w < target - 0.01 || e.h < target - 0.01 {
            problems.push(format!(
                "{at} is smaller than {TARGET_U}u ({target:.0} px) each way"
            ));
        }
        let own = descendants(&e.handle);
        inside_until = last + own;
        if let Some(over) = all[last + 1 + own..]
            .iter()
            .find(|o| o.draws && o.overlaps(e))
        {
            problems.push(format!(
                "{at} is covered by `{}` at {:.0},{:.0} {:.0}×{:.0}",
                over.name, over.x, over.y, over.w, over.h
            ));
        }
    }
    (problems, found)
}

/// Every screen and state fits every supported panel (PRODUCT.md §6,
/// layout): in Chinese and in English, with the longest texts (a
/// 300-character complaint in Chinese, and in letters or digits with no
/// space to break at; long station, category and staff names; six windows,
/// four long exits, four zones in trouble; the longest messages), at
/// 800×480, 1024×600, 1280×800, 720×1280 and 1080×1920, every touchable
/// element lies inside the window, is not covered and is at least
/// [`TARGET_U`] each way; see [`layout_problems`] for how. Each state also
/// names controls it must show, so that a control missing from the element
/// walk (never built, or clipped away) is missed loudly.
///
/// With `KIOSK_FIT_SHOTS=dir`, it also saves every state it checks as a PNG
/// there, to look at (minutes, not seconds: every picture is rendered).
#[test]
fn every_screen_fits_every_supported_panel() {
    // The testing platform with mock time and the real software
    // renderer (for the pictures; the layout is the same without).
    use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let shots = std::env::var_os("KIOSK_FIT_SHOTS").map(std::path::PathBuf::from);
    let mut problems = Vec::new();
    let mut checked = 0;
    for (width, height) in PANELS {
        for english in [false, true] {
            for state in states() {
                let window = KioskWindow::new().unwrap();
                window
                    .window()
                    .set_size(slint::PhysicalSize::new(width, height));
                select_language(english);
                dress(&window, LONG, false);
                window.global::<Lobby>().set_english(english);
                (state.set)(&window);
                // Runs the window's `changed` handlers (the unit).
                mock_elapsed_time(Duration::ZERO);
                let label = format!(
                    "{width}×{height} {} {}",
                    if english { "en" } else { "zh" },
                    state.name
                );
                let (found_problems, found) = layout_problems(&window);
                problems.extend(found_problems.into_iter().map(|p| format!("{label}: {p}")));
                for wanted in state.shows {
                    if !found.contains(*wanted) {
                        problems.push(format!("{label}: no `{wanted}` to touch"));
                    }
                }
                checked += found.len();
                if let Some(dir) = &shots {
                    let slug: String = state
                        .name
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '-' })
                        .collect();
                    let lang = if english { "en" } else { "zh" };
                    let path = dir.join(format!("{width}x{height}-{lang}-{slug}.png"));
                    screenshot(&window, &path).unwrap();
                }
            }
        }
    }
    select_language(false);
    assert!(checked > 2000, "only {checked} elements checked");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
