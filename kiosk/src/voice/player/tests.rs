//! The player under tokio's paused clock, with a sink that records what it
//! was given and when: announcements never overlap, the newest call waits
//! for at most the one playing, the evacuation cuts in and loops, staff stop
//! one, a muted hour says nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::time::Instant;

use super::*;
use crate::domain::{Actor, Announcement, AnnouncementOutcome, NumberStyle, Reading};
use crate::voice::clips::{Source, check};

#[derive(Clone, Debug, PartialEq)]
enum Did {
    Begin,
    Write(usize),
    End { cut: bool },
}

#[derive(Clone, Default)]
struct Tape(Arc<Mutex<Vec<(Duration, Did)>>>);

struct TapeSink {
    tape: Tape,
    zero: Instant,
}

impl Sink for TapeSink {
    fn describe(&self) -> String {
        "tape".into()
    }
    fn begin(&mut self, _rate: u32) -> Result<Option<String>, String> {
        self.note(Did::Begin);
        Ok(None)
    }
    fn write(&mut self, samples: &[i16]) -> Result<(), String> {
        self.note(Did::Write(samples.len()));
        Ok(())
    }
    fn end(&mut self, cut: bool) -> Result<(), String> {
        self.note(Did::End { cut });
        Ok(())
    }
}

impl TapeSink {
    fn note(&self, did: Did) {
        self.tape.0.lock().unwrap().push((self.zero.elapsed(), did));
    }
}

impl Tape {
    /// Each announcement's (begin, end, cut) on the sink, in order.
    fn spans(&self) -> Vec<(Duration, Duration, bool)> {
        let mut spans = Vec::new();
        let mut begun = None;
        for (at, did) in self.0.lock().unwrap().iter() {
            match did {
                Did::Begin => begun = Some(*at),
                Did::End { cut } => spans.push((begun.take().unwrap(), *at, *cut)),
                Did::Write(_) => {}
            }
        }
        spans
    }

    fn samples(&self) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, d)| if let Did::Write(n) = d { *n } else { 0 })
            .sum()
    }
}

fn rig(volume: u8) -> (Voice, Tape, UnboundedReceiver<Report>) {
    let tape = Tape::default();
    let sink = TapeSink {
        tape: tape.clone(),
        zero: Instant::now(),
    };
    let setup = Setup {
        sets: vec![check(&Source::Builtin("cmn")).set.unwrap()],
        english: check(&Source::Builtin("en")).set,
        style: NumberStyle::Digits,
        sink: Box::new(sink),
        problems: Vec::new(),
        volume,
    };
    let (tx, rx) = unbounded_channel();
    let voice = start(setup, move |r| {
        let _ = tx.send(r);
    });
    (voice, tape, rx)
}

fn call(ticket: &str, window: u8) -> Request {
    Request::Say {
        announcement: Announcement::Call {
            ticket: ticket.parse().unwrap(),
            window: crate::domain::WindowNo::new(window).unwrap(),
            recall: false,
        },
        english: false,
    }
}

async fn ended(rx: &mut UnboundedReceiver<Report>) -> Ended {
    loop {
        match rx.recv().await.expect("the player reports") {
            Report::Ended(e) => return e,
            Report::Started { .. } => {}
        }
    }
}

fn ticket_of(e: &Ended) -> String {
    e.announcement
        .ticket()
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[tokio::test(start_paused = true)]
async fn announcements_queue_without_overlap_and_the_newest_call_goes_next() {
    let (voice, tape, mut rx) = rig(80);
    voice.ask(call("A001", 1));
    // While A001 plays: B001 for window 2, then a screen read aloud, then
    // window 1 calls again (A002 replaces nothing: A001 is already playing).
    tokio::time::sleep(Duration::from_millis(500)).await;
    voice.ask(call("B001", 2));
    voice.ask(Request::Say {
        announcement: Announcement::Read(Reading::Home),
        english: false,
    });
    voice.ask(call("A002", 1));
    let order: Vec<(String, AnnouncementOutcome)> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            let e = ended(&mut rx).await;
            v.push((ticket_of(&e), e.outcome));
        }
        v
    };
    use AnnouncementOutcome::Played;
    assert_eq!(
        order,
        [
            ("A001".into(), Played),
            ("A002".into(), Played),
            ("B001".into(), Played),
            ("".into(), Played)
        ]
    );
    let spans = tape.spans();
    assert_eq!(spans.len(), 4);
    for pair in spans.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "overlap: {spans:?}");
    }
    // The newest call waited only for the one playing.
    assert_eq!(spans[1].0, spans[0].1);
    // A call lasts a few seconds; it was written at the pace it is heard.
    let first = spans[0].1 - spans[0].0;
    assert!(
        first > Duration::from_secs(4) && first < Duration::from_secs(15),
        "{first:?}"
    );
    let state = voice.state();
    assert_eq!(state.played.len(), 4);
    assert_eq!(state.played[0].first_sample_ms, Some(0.0));
    assert_eq!(state.played[0].sets, ["cmn"]);
    let clips: Vec<&str> = state.played[0]
        .clips
        .iter()
        .map(|m| m.clip.as_str())
        .collect();
    assert_eq!(
        &clips[..11],
        [
            "cmn:chime",
            "cmn:please",
            "cmn:letter-a",
            "cmn:digit-0",
            "cmn:digit-0",
            "cmn:digit-1",
            "cmn:hao",
            "cmn:to",
            "cmn:digit-1",
            "cmn:window",
            "cmn:handle"
        ]
    );
    // Said twice.
    assert_eq!(clips.len(), 21);
}

#[tokio::test(start_paused = true)]
async fn a_new_reading_cuts_the_last_one_short_but_never_a_call() {
    let (voice, tape, mut rx) = rig(80);
    let read = |reading| Request::Say {
        announcement: Announcement::Read(reading),
        english: false,
    };
    voice.ask(read(Reading::Home));
    tokio::time::sleep(Duration::from_millis(700)).await;
    voice.ask(read(Reading::Priority));
    let cut = ended(&mut rx).await;
    assert_eq!(
        (cut.announcement.clone(), cut.outcome),
        (
            Announcement::Read(Reading::Home),
            AnnouncementOutcome::Superseded
        )
    );
    let heard = ended(&mut rx).await;
    assert_eq!(
        (heard.announcement.clone(), heard.outcome),
        (
            Announcement::Read(Reading::Priority),
            AnnouncementOutcome::Played
        )
    );
    voice.ask(call("A001", 1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    // During a call, a reading waits for it.
    voice.ask(read(Reading::Closed));
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let e = ended(&mut rx).await;
        outcomes.push((e.announcement.kind(), e.outcome));
    }
    use crate::domain::AnnouncementKind::{Call, ReadAloud};
    assert_eq!(
        outcomes,
        [
            (Call, AnnouncementOutcome::Played),
            (ReadAloud, AnnouncementOutcome::Played)
        ]
    );
    let spans = tape.spans();
    assert_eq!(spans[0], (Duration::ZERO, Duration::from_millis(700), true));
    assert_eq!(spans[1].0, Duration::from_millis(700));
}

#[tokio::test(start_paused = true)]
async fn a_waiting_call_is_replaced_by_a_newer_call_of_its_window() {
    let (voice, _tape, mut rx) = rig(80);
    voice.ask(call("A001", 1));
    voice.ask(call("B001", 2));
    voice.ask(call("B002", 2));
    let first = ended(&mut rx).await;
    assert_eq!(
        (ticket_of(&first), first.outcome),
        ("B001".into(), AnnouncementOutcome::Superseded)
    );
    let next: Vec<String> = [ended(&mut rx).await, ended(&mut rx).await]
        .iter()
        .map(ticket_of)
        .collect();
    assert_eq!(next, ["A001", "B002"]);
}

#[tokio::test(start_paused = true)]
async fn the_evacuation_interrupts_loops_and_ends_with_the_alarm() {
    let (voice, tape, mut rx) = rig(80);
    voice.ask(call("A001", 1));
    voice.ask(call("B001", 2));
    tokio::time::sleep(Duration::from_secs(1)).await;
    voice.ask(Request::Evacuate(true));
    let cut = ended(&mut rx).await;
    assert_eq!(
        (ticket_of(&cut), cut.outcome),
        ("A001".into(), AnnouncementOutcome::Interrupted)
    );
    let dropped = ended(&mut rx).await;
    assert_eq!(
        (ticket_of(&dropped), dropped.outcome),
        ("B001".into(), AnnouncementOutcome::Interrupted)
    );
    // A call during the evacuation is not said.
    voice.ask(call("A002", 1));
    let refused = ended(&mut rx).await;
    assert_eq!(refused.outcome, AnnouncementOutcome::Interrupted);
    // A minute of evacuation: the message loops, in both sets, nonstop.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let state = voice.state();
    assert!(state.evacuating);
    assert_eq!(
        state.playing.as_ref().map(|p| p.kind),
        Some(crate::domain::AnnouncementKind::Evacuation)
    );
    let written = tape.samples();
    assert!(
        written as f64 > 59.0 * 16_000.0,
        "{written} samples in a minute"
    );
    voice.ask(Request::Evacuate(false));
    let evacuation = ended(&mut rx).await;
    assert_eq!(evacuation.announcement, Announcement::Evacuation);
    assert_eq!(
        (evacuation.outcome, evacuation.sets.clone()),
        (
            AnnouncementOutcome::Played,
            vec!["cmn".to_string(), "en".to_string()]
        )
    );
    let spans = tape.spans();
    // The call cut at once when the evacuation began, which began then.
    assert_eq!(spans[0].1, Duration::from_secs(1));
    assert!(spans[0].2, "cut");
    assert_eq!(spans[1].0, Duration::from_secs(1));
    assert!(
        spans[1].2,
        "the evacuation's sound stops when the alarm is reset"
    );
}

#[tokio::test(start_paused = true)]
async fn staff_stop_one_and_a_muted_hour_says_nothing() {
    let (voice, tape, mut rx) = rig(80);
    voice.ask(call("A001", 1));
    voice.ask(call("B001", 2));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = voice.state().queue[0].id;
    let staff = Actor::Staff { id: "0001".into() };
    voice.ask(Request::Stop {
        id: Some(waiting),
        by: staff.clone(),
    });
    let stopped = ended(&mut rx).await;
    assert_eq!(
        (ticket_of(&stopped), stopped.outcome, stopped.by.clone()),
        (
            "B001".into(),
            AnnouncementOutcome::Stopped,
            Some(staff.clone())
        )
    );
    voice.ask(Request::Stop {
        id: None,
        by: staff.clone(),
    });
    let stopped = ended(&mut rx).await;
    assert_eq!(
        (ticket_of(&stopped), stopped.outcome),
        ("A001".into(), AnnouncementOutcome::Stopped)
    );
    assert_eq!(
        tape.spans(),
        [(Duration::ZERO, Duration::from_millis(300), true)]
    );
    voice.ask(Request::Volume(0));
    voice.ask(call("A002", 1));
    let muted = ended(&mut rx).await;
    assert_eq!(muted.outcome, AnnouncementOutcome::Muted);
    assert_eq!(tape.spans().len(), 1, "nothing was played");
}
