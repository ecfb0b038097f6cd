//! What the station shows: the screen's view, staff mode's summary, and the
//! state the control socket, the console and `kiosk doctor` read.

use crate::state::{PrinterState, StationState, TicketRow};
use jiff::Timestamp;

use super::paper::printer_notice;
use super::*;
use crate::app::{
    AlarmRow, CategoryRow, JobKey, OnDutyRow, PrintState, ScreenView, ServingRow, SummaryRow,
    TicketView,
};
use crate::domain::{
    AwayView, Notice, Paper, Post, PrinterHealth, ServingView, SignInPlace, StationView,
    TicketSlip, ZoneRole, ZoneView,
};

impl Core {
    pub(super) fn ticket_view(&self, slip: &TicketSlip) -> TicketView {
        let local = self
            .station
            .settings()
            .time_zone
            .to_datetime(slip.issued_at);
        TicketView {
            code: slip.code.to_string(),
            zh: slip.category_zh.clone(),
            en: slip.category_en.clone(),
            priority: slip.priority,
            ahead: slip.ahead,
            wait_minutes: slip.wait_minutes,
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            print: if self.printer.is_some() {
                PrintState::Printing
            } else {
                PrintState::NoPrinter
            },
        }
    }

    pub(super) fn screen_view(&self, v: &StationView, now: Timestamp) -> ScreenView {
        let now = self.station.high_water().map_or(now, |h| now.max(h));
        let local = self.station.settings().time_zone.to_datetime(now);
        let date = local.date();
        const WEEK_ZH: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
        const WEEK_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTH_EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let wd = date.weekday().to_monday_zero_offset() as usize;
        let mut notice = Vec::new();
        if self.store_fault.is_some() {
            notice.push(
                "数据库无法写入，请工作人员检查 · Database cannot be written — staff please check",
            );
        }
        match &v.printer {
            PrinterHealth::Fault { fault, .. } => notice.push(printer_notice(*fault)),
            PrinterHealth::PaperLow => notice
                .push("打印纸将用完，请工作人员更换 · Paper low — staff please replace the roll"),
            PrinterHealth::Ready if v.printer_fault.is_some() => notice
                .push("打印机无法出票，请工作人员检查 · Printer cannot print — staff please check"),
            PrinterHealth::Ready => {}
        }
        let unconfirmed;
        if !v.unconfirmed_prints.is_empty() {
            let names: Vec<String> = v
                .unconfirmed_prints
                .iter()
                .map(|p| p.paper.to_string())
                .collect();
            unconfirmed = format!(
                "可能未打印：{}（号码有效） · May not have printed: {} (numbers valid)",
                names.join("、"),
                names.join(", ")
            );
            notice.push(&unconfirmed);
        }
        let clock_doubt = v
            .clock_doubt
            .map(|d| {
                // `11-30 10:00`: short enough for the 7-inch panel.
                let short = |t| self.station.local(t).get(5..).unwrap_or_default().to_string();
                let (clock, journal) = (short(d.clock), short(d.journal));
                format!(
                    "时钟 {clock}，记录已到 {journal}；时钟正确请站长确认\nClock {clock}, records {journal}: manager confirms if right"
                )
            })
            .unwrap_or_default();
        if v.clock_doubt.is_some() {
            notice.push("系统时间与记录不一致，请站长核对 · Clock and records disagree — manager please check");
        } else if v.clock_behind {
            notice.push("系统时间落后于记录，请工作人员校准 · Clock behind the records — staff please check");
        } else if v.clock_unconfirmed {
            notice.push(
                "系统时间未校准，请工作人员核对 · Clock not synchronised — staff please check",
            );
        }
        let reminders = reminder_line(v);
        if !reminders.is_empty() {
            notice.push(&reminders);
        }
        ScreenView {
            categories: v
                .categories
                .iter()
                .map(|c| CategoryRow {
                    id: c.id.to_string(),
                    zh: c.zh.clone(),
                    en: c.en.clone(),
                    issuing: c.issuing,
                    waiting: c.waiting,
                    wait_minutes: c.wait_minutes,
                    away_zh: c.away.as_ref().map(away_zh).unwrap_or_default(),
                    away_en: c.away.as_ref().map(away_en).unwrap_or_default(),
                })
                .collect(),
            serving: v
                .windows
                .iter()
                .map(|w| {
                    let announcing = self.announcing(w.window, w.ticket);
                    ServingRow {
                        window: w.window.get(),
                        ticket: w.ticket.map(|t| t.to_string()).unwrap_or_default(),
                        // With a voice, highlighted while it is being said;
                        // without, for a few seconds after the call.
                        fresh: announcing.unwrap_or_else(|| {
                            w.called_at
                                .is_some_and(|at| now.duration_since(at).as_secs() < FRESH)
                        }),
                        announcing: announcing == Some(true),
                        paused: w.paused,
                        away_zh: w.away.as_ref().map(away_zh).unwrap_or_default(),
                        away_en: w.away.as_ref().map(away_en).unwrap_or_default(),
                        post_zh: stand_in(w, Post::zh),
                        post_en: stand_in(w, Post::en),
                    }
                })
                .collect(),
            issuing: v.issuing && !v.evacuate,
            evacuate: v.evacuate,
            alarms: v.zones.iter().map(alarm_row).collect(),
            printer: printer_line(v, self.printer.is_some()),
            printer_ok: self.printer.is_some()
                && matches!(v.printer, PrinterHealth::Ready | PrinterHealth::PaperLow)
                && v.printer_fault.is_none(),
            summary: self.summary(v),
            on_duty: v
                .windows
                .iter()
                .map(|w| OnDutyRow {
                    window: w.window.get(),
                    who: w.member.as_ref().map(|m| m.label()).unwrap_or_default(),
                    mine: w
                        .member
                        .as_ref()
                        .is_some_and(|m| self.session.as_ref().is_some_and(|s| s.0 == m.member)),
                })
                .collect(),
            voice_line: self.voice_line(),
            next_open: v.next_open.clone().unwrap_or_default(),
            closure: v
                .closure
                .as_ref()
                .map(|n| format!("{}：{}", n.title, n.text))
                .unwrap_or_default(),
            board: self.board_pages(v, now),
            duty: v
                .duty
                .as_ref()
                .map(|d| format!("{} {}", d.member.name, d.phone))
                .unwrap_or_default(),
            notice: notice.join("  |  "),
            clock_doubt,
            time: format!("{:02}:{:02}", local.hour(), local.minute()),
            date_zh: format!("{}月{}日 星期{}", date.month(), date.day(), WEEK_ZH[wd]),
            date_en: format!(
                "{} {} {}",
                WEEK_EN[wd],
                date.day(),
                MONTH_EN[(date.month() - 1) as usize]
            ),
        }
    }

    /// Today's figures for staff mode.
    pub(super) fn summary(&self, v: &StationView) -> Vec<SummaryRow> {
        let tickets = self.station.tickets();
        let count = |state: &str| tickets.iter().filter(|t| t.state.name() == state).count();
        let mut levels = [0u32; 5];
        for w in &v.windows {
            for (sum, n) in levels.iter_mut().zip(w.ratings) {
                *sum += n;
            }
        }
        let rated: u32 = levels.iter().sum();
        let satisfaction = if rated == 0 {
            "—".to_string()
        } else {
            format!(
                "{:.0} %",
                f64::from(levels[3] + levels[4]) * 100.0 / f64::from(rated)
            )
        };
        let overdue = v.cases.iter().filter(|c| c.overdue.any()).count();
        let row = |label: &str, value: String| SummaryRow {
            label: label.into(),
            value,
        };
        vec![
            row("取号 Tickets issued", tickets.len().to_string()),
            row("接待完毕 Served", count("completed").to_string()),
            row("等候中 Waiting", count("waiting").to_string()),
            row("过号 No-show", count("skipped").to_string()),
            row("评价 Ratings", rated.to_string()),
            row("满意率 Satisfaction", satisfaction),
            row(
                "未结案件 Open cases",
                format!("{} (超期 overdue {overdue})", v.cases.len()),
            ),
            row(
                "补录 Back-entered",
                self.station.back_entries_today().to_string(),
            ),
        ]
    }

    pub(super) fn push_view(&mut self) {
        let now = self.clock.now();
        let station = self.station.view(now);
        // Where members sign on, a card names only who did; elsewhere the
        // window's A post as kiosk.toml names it.
        let settings = self.station.settings();
        let nobody = std::collections::BTreeMap::new();
        let named = if settings.sign_on_required {
            &nobody
        } else {
            &settings.staff
        };
        self.cards.update(&station, named, now);
        // A case newly due or overdue beeps the office's buzzer, where asked.
        let reminding: std::collections::BTreeSet<String> = station
            .cases
            .iter()
            .filter(|c| c.reminds())
            .map(|c| c.case.no.to_string())
            .chain(station.dockets.iter().map(|d| d.no.to_string()))
            .collect();
        if settings.reminder_buzzer && !reminding.is_subset(&self.reminding) {
            self.outputs.remind(now);
        }
        self.reminding = reminding;
        self.outputs.update(station.outputs, now);
        let view = self.screen_view(&station, now);
        self.sync_voice(view.evacuate);
        if self.last_view.as_ref() != Some(&view) {
            self.last_view = Some(view.clone());
            self.screen.show_view(view);
        }
    }

    pub(super) fn state(&self) -> StationState {
        let now = self.clock.now();
        let view = self.station.view(now);
        StationState {
            now,
            local: self.station.local(now),
            simulated_clock: self.clock.is_simulated(),
            tickets: self
                .station
                .tickets()
                .iter()
                .map(|t| TicketRow {
                    code: t.code.to_string(),
                    queue: t.queue.to_string(),
                    priority: t.priority,
                    state: t.state.name().to_string(),
                })
                .collect(),
            printer: PrinterState {
                port: self.printer_port.clone(),
                outstanding: self.pending.len(),
                held: self.held.iter().map(JobKey::code).collect(),
                model: self.profile.id.clone(),
                health: view.printer.clone(),
                fault: view.printer_fault.clone(),
                simulated: self.sim_printer.as_ref().map(|p| p.status()),
            },
            station: view,
            cards: self.cards.state(),
            outputs: self.outputs.state(),
            board_problems: self.board_problems.now(),
            voice: self.voice_state(),
            store_fault: self.store_fault.clone(),
            notice: self
                .last_view
                .as_ref()
                .map(|v| v.notice.clone())
                .unwrap_or_default(),
        }
    }
}

/// The printer in words for staff mode: its state and what to do.
pub(super) fn printer_line(v: &StationView, configured: bool) -> String {
    if !configured {
        return "没有配置打印机 · No printer is configured".into();
    }
    match &v.printer {
        PrinterHealth::Ready => match &v.printer_fault {
            None => "正常 · Ready".into(),
            Some(f) => format!("上一张未能打印 · The last job failed: {f}"),
        },
        PrinterHealth::PaperLow => {
            "纸将用完：请准备新纸卷 · Paper low: have a new roll ready".into()
        }
        PrinterHealth::Fault { fault, detail } => {
            use crate::domain::PrinterFault as F;
            match fault {
                F::PaperOut => "缺纸：请换新纸卷 · Out of paper: load a new roll".into(),
                F::CoverOpen => "纸仓盖未合上 · The cover is open: press it shut".into(),
                F::Unplugged => {
                    "未连接：检查电源和数据线 · Not connected: check power and cable".into()
                }
                // The rest need the technician's detail.
                _ => format!("无法打印 · Cannot print: {detail}"),
            }
        }
    }
}

/// A zone as staff mode lists it.
pub(super) fn alarm_row(z: &ZoneView) -> AlarmRow {
    let label = match z.info.role {
        ZoneRole::Panic => format!("紧急报警 Panic · {}", z.info.name),
        ZoneRole::Smoke => format!("烟感 Smoke · {}", z.info.name),
        ZoneRole::Gas => format!("燃气 Gas · {}", z.info.name),
    };
    let mut state = Vec::new();
    if z.state.latched.is_some() {
        state.push(if z.state.acknowledged {
            "报警已确认 alarm acknowledged".to_string()
        } else {
            "报警 ALARM".to_string()
        });
    }
    if z.state.active {
        state.push("输入仍在报警 input still active".into());
    }
    if let Some(fault) = z.state.fault {
        state.push(format!("故障 fault: {}", fault.text()));
    }
    if state.is_empty() {
        state.push("正常 normal".into());
    }
    AlarmRow {
        zone: z.info.name.clone(),
        label,
        state: state.join(" · "),
        latched: z.state.latched.is_some(),
        acknowledged: z.state.acknowledged,
        fault: z.state.fault.is_some(),
    }
}

/// An away notice in short, for a button or a board row: why, and when
/// back or where to go.
fn away_zh(a: &AwayView) -> String {
    match a.away.instead {
        Some(w) => format!("{}，请到 {w} 号窗口", a.away.reason.zh()),
        None => format!("{}，{} 返回", a.away.reason.zh(), a.back),
    }
}

fn away_en(a: &AwayView) -> String {
    match a.away.instead {
        Some(w) => format!("Staff away: go to window {w}"),
        None => format!("Staff away, back {}", a.back),
    }
}

/// The post of a window's member when someone stands in for its own.
fn stand_in(w: &ServingView, word: fn(Post) -> Option<&'static str>) -> String {
    match w.member.as_ref().map(|m| m.post) {
        Some(post @ (Post::B | Post::Substitute | Post::Agent)) => {
            word(post).unwrap_or_default().to_string()
        }
        _ => String::new(),
    }
}

/// A staff notice as one line of text.
pub fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::QueueEmpty { window } => format!("nobody is waiting for window {window}"),
        Notice::CallHeld { window, ticket, .. } => format!(
            "window {window}: {ticket} is offered for rating first; the next ticket is called once the citizen rates or the rating time runs out"
        ),
        Notice::ClockBehind { behind_seconds } => format!(
            "the system clock is {behind_seconds} s behind the journal; times are held at the last journal entry until it is corrected — check NTP or the real-time clock"
        ),
        Notice::ClockRecovered => "the system clock has caught up with the journal".into(),
        Notice::ClockCorrected { ahead_seconds, ntp } => format!(
            "the station's time is the system clock's again, {} confirmed it; the journal had run {} min ahead (its later entries stay as written); a business day closed by that clock is open again",
            if *ntp { "NTP" } else { "a manager" },
            ahead_seconds / 60
        ),
        Notice::ClockUnconfirmed { rtc } => format!(
            "the system clock is not synchronised ({}); check the time shown and the network — numbers and the journal's order stay safe either way",
            if *rtc {
                "there is a real-time clock, which keeps time through a power cut only with its battery"
            } else {
                "no real-time clock: after a power cut it may be far off"
            }
        ),
        Notice::ClockConfirmed => "the system clock is synchronised".into(),
        Notice::PrinterFault { ticket, reason } => {
            format!("ticket {ticket} was not printed: {reason}")
        }
        Notice::PrinterRecovered => "the printer prints again".into(),
        Notice::BadRating {
            ticket,
            window,
            level,
            case,
        } => format!(
            "bad rating {level} for {ticket} at window {window} (case {case}) — the station manager should go to the window now"
        ),
        Notice::BadResult {
            docket,
            window,
            level,
            case,
        } => format!(
            "bad rating {level} of the result of {docket} handed over at window {window} (case {case}) — the station manager should go to the window now"
        ),
        Notice::EvaluatorFault {
            window,
            level,
            stuck: true,
        } => format!(
            "the level-{level} key of window {window}'s evaluator is held down or shorted — free the key or check its wiring; the other keys still work"
        ),
        Notice::EvaluatorFault {
            window,
            level,
            stuck: false,
        } => format!("the level-{level} key of window {window}'s evaluator is free again"),
        Notice::Alarm { zone, role } => match role {
            ZoneRole::Panic => format!(
                "PANIC ALARM in zone `{zone}` — silent on the public screen; go to the lobby now; reset with a staff PIN once the button is released"
            ),
            ZoneRole::Smoke => format!(
                "FIRE ALARM in zone `{zone}` — the lobby shows the evacuation; ticketing stopped; reset with a manager PIN once the detector is clear"
            ),
            ZoneRole::Gas => {
                format!("gas sensor `{zone}` reads high — check for gas and ventilate")
            }
        },
        Notice::AlarmReset { zone } => format!("the alarm of zone `{zone}` was reset"),
        Notice::ZoneFault {
            zone,
            fault: Some(fault),
        } => format!(
            "zone `{zone}` is at fault: {} — check its wiring; an alarm on it may not be seen until repaired",
            fault.text()
        ),
        Notice::ZoneFault { zone, fault: None } => {
            format!("zone `{zone}` is repaired: its wiring reads normal again")
        }
        Notice::PinGuessing { place, refused } => format!(
            "{refused} PINs refused at the {} today — someone may be guessing; see who is there{}",
            place.word(),
            if *place == SignInPlace::Touchscreen {
                " (the pad waits after repeated wrong PINs; no member is locked out by it)"
            } else {
                ""
            }
        ),
        Notice::PrintsUnconfirmed { reprinted, listed } => {
            let names = |papers: &[Paper]| {
                papers
                    .iter()
                    .map(Paper::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            if !reprinted.is_empty() {
                parts.push(format!("printed again marked 补打: {}", names(reprinted)));
            }
            if !listed.is_empty() {
                parts.push(format!(
                    "may not have printed (too long ago to print again unasked; the numbers are valid — reprint if a citizen asks): {}",
                    names(listed)
                ));
            }
            format!(
                "the kiosk restarted before the printer confirmed some papers: {}",
                parts.join("; ")
            )
        }
        Notice::Printer { health } => match health {
            PrinterHealth::Ready => "the printer is ready".into(),
            PrinterHealth::PaperLow => "the printer's paper is low — replace the roll soon".into(),
            PrinterHealth::Fault { detail, .. } => {
                format!("the printer cannot print: {detail}; tickets are held and shown on screen")
            }
        },
    }
}

/// The notice bar's reminder of cases whose deadline was missed or falls
/// today or on the next working day, and of dockets whose promised result
/// is; empty without any.
pub(super) fn reminder_line(v: &StationView) -> String {
    let line = |zh: &str, en: &str, overdue: usize, due: usize| match (overdue, due) {
        (0, 0) => None,
        (o, 0) => Some(format!("{zh}提醒：{o} 件已超期 · {en}: {o} overdue")),
        (0, d) => Some(format!("{zh}提醒：{d} 件即将到期 · {en}: {d} due soon")),
        (o, d) => Some(format!(
            "{zh}提醒：{o} 件已超期，{d} 件即将到期 · {en}: {o} overdue, {d} due soon"
        )),
    };
    let cases = line(
        "案件",
        "Cases",
        v.cases.iter().filter(|c| c.overdue.any()).count(),
        v.cases.iter().filter(|c| c.due_soon.is_some()).count(),
    );
    let overdue = v.dockets.iter().filter(|d| d.overdue).count();
    let dockets = line("承诺件", "Promised", overdue, v.dockets.len() - overdue);
    [cases, dockets]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("；")
}
