//! Tests of the people at the windows: signing on at a post, B taking over,
//! whom calls, ratings and cases name, the away notice and its approval, a
//! category all away, and the call that waits for the rating.

use super::*;

const WANG: (&str, &str) = ("王芳", "0101");
const LI: (&str, &str) = ("李强", "0102");
const ZHAO: (&str, &str) = ("赵敏", "0105");

fn member((name, number): (&str, &str)) -> StaffRef {
    StaffRef {
        name: name.into(),
        number: number.into(),
    }
}

/// Window 1's A post is 王芳, its B post 李强; window 2 names 李强 as A;
/// window 3 names nobody.
fn people() -> Run {
    let mut posts = std::collections::BTreeMap::new();
    posts.insert(
        w(1),
        Posts {
            a: Some(WANG.1.into()),
            b: Some(LI.1.into()),
            ..Posts::default()
        },
    );
    posts.insert(
        w(2),
        Posts {
            a: Some(LI.1.into()),
            ..Posts::default()
        },
    );
    Run::with_people(Settings {
        posts,
        ..Settings::default()
    })
}

fn sign_on(run: &mut Run, window: u8, who: (&str, &str)) -> Decision {
    run.go(Command::SignOn {
        role: None,
        window: w(window),
        member: member(who),
    })
    .unwrap()
}

fn away(reason: AwayReason, back: &str) -> Away {
    Away {
        reason,
        back_at: at(back),
        contact: None,
        instead: None,
        approver: None,
    }
}

/// The member each record of a decision names, by kind.
fn named(d: &Decision) -> Vec<(&'static str, Option<String>)> {
    d.records
        .iter()
        .filter_map(|r| {
            let member = match &r.fact {
                Fact::TicketCalled { member, .. }
                | Fact::TicketCompleted { member, .. }
                | Fact::RatingArmed { member, .. }
                | Fact::TicketRated { member, .. }
                | Fact::TicketUnrated { member, .. } => member.clone(),
                _ => return None,
            };
            Some((r.fact.kind(), member))
        })
        .collect()
}

fn some(n: &str) -> Option<String> {
    Some(n.into())
}

#[test]
fn a_window_with_nobody_signed_on_cannot_call() {
    let mut run = people();
    run.issue(a(), false);
    let refused = run.go(Command::CallNext { window: w(1) }).unwrap_err();
    assert_eq!(refused, Rejection::NobodySignedOn(w(1)));
    assert!(refused.to_string().contains("sign on first"), "{refused}");
    let d = sign_on(&mut run, 1, WANG);
    assert_eq!(Run::kinds(&d), ["signed_on"]);
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(named(&d), [("ticket_called", some("0101"))]);
    let view = run.station.view(run.now).windows[0].clone();
    let on = view.member.unwrap();
    assert_eq!((on.name.as_str(), on.post), ("王芳", Post::A));
    // Signing off while serving is refused; done serving, it ends the
    // sign-on and calling stops.
    assert!(matches!(
        run.go(Command::SignOff { window: w(1) }),
        Err(Rejection::WindowBusy { .. })
    ));
    run.go(Command::Skip { window: w(1) }).unwrap();
    let d = run.go(Command::SignOff { window: w(1) }).unwrap();
    assert!(matches!(
        d.records[..],
        [Record {
            fact: Fact::SignedOff {
                why: SignOff::Left,
                ..
            },
            ..
        }]
    ));
    run.issue(a(), false);
    assert_eq!(
        run.go(Command::CallNext { window: w(1) }),
        Err(Rejection::NobodySignedOn(w(1)))
    );
    assert_eq!(
        run.go(Command::SignOff { window: w(1) }),
        Err(Rejection::NobodySignedOn(w(1)))
    );
}

#[test]
fn members_sign_on_only_at_a_post_they_hold() {
    let mut run = people();
    let refused = run
        .go(Command::SignOn {
            role: None,
            window: w(1),
            member: member(ZHAO),
        })
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "staff member 0105 holds no post at window 1 (its posts: a 0101, b 0102); the manager names posts in kiosk.toml's [[window]]"
    );
    // A window that names no posts takes anyone.
    let d = sign_on(&mut run, 3, ZHAO);
    assert_eq!(Run::kinds(&d), ["day_opened", "signed_on"]);
    assert!(matches!(
        d.records[1].fact,
        Fact::SignedOn {
            post: Post::Any,
            ..
        }
    ));
    // Signing on again where one is already on changes nothing.
    assert!(sign_on(&mut run, 3, ZHAO).records.is_empty());
    // Signing on elsewhere signs off here first.
    let d = sign_on(&mut run, 1, WANG);
    assert_eq!(Run::kinds(&d), ["signed_on"]);
    let d = sign_on(&mut run, 2, LI);
    assert_eq!(Run::kinds(&d), ["signed_on"]);
    let d = sign_on(&mut run, 1, LI);
    assert_eq!(Run::kinds(&d), ["signed_off", "signed_off", "signed_on"]);
    assert!(matches!(
        d.records[0].fact,
        Fact::SignedOff { window, why: SignOff::Moved, .. } if window == w(2)
    ));
    assert!(matches!(
        &d.records[1].fact,
        Fact::SignedOff { window, why: SignOff::Replaced, member } if *window == w(1) && member == "0101"
    ));
    assert!(matches!(
        d.records[2].fact,
        Fact::SignedOn { post: Post::B, .. }
    ));
}

#[test]
fn when_a_is_away_b_takes_over_and_the_records_name_who_served() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    let a1 = run.issue(a(), false);
    let a2 = run.issue(a(), false);
    run.call(1);
    run.go(Command::Complete { window: w(1) }).unwrap();
    let d = rate(&mut run, 5);
    assert_eq!(named(&d), [("ticket_rated", some("0101"))]);
    // 王芳 goes out to visit households for a quarter of an hour.
    let d = run
        .go(Command::StepAway {
            window: w(1),
            away: away(AwayReason::Visit, "2026-11-30T09:15"),
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["window_paused"]);
    let card = run.station.view(run.now).windows[0].clone();
    assert!(card.paused);
    assert_eq!(
        card.away.as_ref().unwrap().zh,
        "工作人员下村入户，预计 09:15 返回"
    );
    // 李强, the B post, signs on in one step: 王芳 is signed off, the
    // window opens, and the card names him on the B post.
    let d = sign_on(&mut run, 1, LI);
    assert_eq!(Run::kinds(&d), ["signed_off", "signed_on", "window_opened"]);
    let card = run.station.view(run.now).windows[0].clone();
    assert!(!card.paused && card.away.is_none());
    let on = card.member.unwrap();
    assert_eq!((on.member.as_str(), on.post), ("0102", Post::B));
    // He serves A002; the citizen rates it badly: the case names him.
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(named(&d), [("ticket_called", some("0102"))]);
    let d = run.go(Command::Complete { window: w(1) }).unwrap();
    assert_eq!(
        named(&d),
        [
            ("ticket_completed", some("0102")),
            ("rating_armed", some("0102"))
        ]
    );
    let d = rate(&mut run, 1);
    assert_eq!(named(&d), [("ticket_rated", some("0102"))]);
    let case = d.records.iter().find_map(|r| r.fact.case()).unwrap();
    let staff = run.station.case(case).unwrap().staff.clone().unwrap();
    assert_eq!((staff.name.as_str(), staff.number.as_str()), LI);
    assert_eq!(run.station.case(case).unwrap().ticket, Some(a2));
    assert_ne!(a1, a2);
}

#[test]
fn a_rating_names_who_served_even_if_another_signs_on_before_the_key() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    run.issue(a(), false);
    run.call(1);
    run.go(Command::Complete { window: w(1) }).unwrap();
    sign_on(&mut run, 1, LI);
    let d = rate(&mut run, 4);
    assert_eq!(named(&d), [("ticket_rated", some("0101"))]);
}

#[test]
fn a_complaint_about_a_window_names_the_member_signed_on_there() {
    let mut run = people();
    sign_on(&mut run, 2, LI);
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Attitude,
            window: Some(w(2)),
            text: "态度不好".into(),
            phone: None,
            form: 1,
            channel: Default::default(),
        })
        .unwrap();
    let case = d.records.iter().find_map(|r| r.fact.case()).unwrap();
    let staff = run.station.case(case).unwrap().staff.clone().unwrap();
    assert_eq!(staff.number, "0102");
}

#[test]
fn calling_next_offers_the_last_ticket_for_rating_and_waits_for_it() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    let a1 = run.issue(a(), false);
    let a2 = run.issue(a(), false);
    run.call(1);
    // Staff press "call next" without completing: A001 is completed and
    // offered for rating; the call waits.
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(
        Run::kinds(&d),
        ["ticket_completed", "rating_armed", "call_held"]
    );
    let until = at("2026-11-30T09:00:30");
    assert_eq!(
        d.effects,
        [Effect::Notify(Notice::CallHeld {
            window: w(1),
            ticket: a1,
            until
        })]
    );
    let view = run.station.view(run.now);
    assert!(view.windows[0].call_held);
    assert_eq!(view.windows[0].ticket, None);
    // Pressing again changes nothing but the reminder.
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert!(d.records.is_empty());
    // The citizen rates; the call goes at once.
    run.now = at("2026-11-30T09:00:12");
    let d = rate(&mut run, 5);
    assert_eq!(Run::kinds(&d), ["ticket_rated", "ticket_called"]);
    assert_eq!(d.records[1].fact.ticket(), Some(a2));
    // The station makes the held call, naming the member on post.
    assert_eq!(d.records[1].actor, Actor::System);
    assert!(
        matches!(d.effects[..], [Effect::Thank { .. }, Effect::Announce { ticket, .. }] if ticket == a2)
    );
    assert!(!run.station.view(run.now).windows[0].call_held);
}

#[test]
fn a_held_call_goes_when_the_rating_time_runs_out() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    run.issue(a(), false);
    let a2 = run.issue(a(), false);
    run.call(1);
    run.go(Command::Complete { window: w(1) }).unwrap();
    // Completed, then "call next" while the rating is open: held.
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(Run::kinds(&d), ["call_held"]);
    run.now = at("2026-11-30T09:00:31");
    let d = run.go(Command::Tick).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_unrated", "ticket_called"]);
    assert!(matches!(
        d.records[0].fact,
        Fact::TicketUnrated {
            reason: UnratedReason::Timeout,
            ..
        }
    ));
    assert_eq!(d.records[1].fact.ticket(), Some(a2));
    assert_eq!(named(&d)[1], ("ticket_called", some("0101")));
}

#[test]
fn a_press_as_the_rating_time_runs_out_is_the_held_call_not_another() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    run.issue(a(), false);
    let a2 = run.issue(a(), false);
    run.issue(a(), false);
    run.call(1);
    run.go(Command::CallNext { window: w(1) }).unwrap();
    // Staff press again just as the time runs out, before the station's
    // own timer said so: A002 is called, and not completed at once.
    run.now = at("2026-11-30T09:00:31");
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(Run::kinds(&d), ["ticket_unrated", "ticket_called"]);
    assert_eq!(run.station.view(run.now).windows[0].ticket, Some(a2));
}

#[test]
fn a_held_call_with_nobody_waiting_tells_staff_and_a_paused_window_drops_it() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    run.issue(a(), false);
    run.call(1);
    let d = run.go(Command::CallNext { window: w(1) }).unwrap();
    assert_eq!(
        Run::kinds(&d),
        ["ticket_completed", "rating_armed", "call_held"]
    );
    let d = rate(&mut run, 3);
    assert_eq!(Run::kinds(&d), ["ticket_rated"]);
    assert!(
        d.effects
            .contains(&Effect::Notify(Notice::QueueEmpty { window: w(1) }))
    );
    // Held, then paused: the rating does not call to a paused window.
    run.issue(a(), false);
    run.call(1);
    run.go(Command::CallNext { window: w(1) }).unwrap();
    run.go(Command::SetWindowOpen {
        window: w(1),
        open: false,
    })
    .unwrap();
    let d = rate(&mut run, 5);
    assert_eq!(Run::kinds(&d), ["ticket_rated"]);
}

#[test]
fn every_completed_ticket_is_offered_for_rating() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    for _ in 0..6 {
        run.issue(a(), false);
    }
    // Staff hammer "call next"; time passes a few seconds each press.
    for i in 0..40 {
        run.now = at("2026-11-30T09:00")
            .checked_add(jiff::SignedDuration::from_secs(i * 7))
            .unwrap();
        let _ = run.go(Command::CallNext { window: w(1) });
    }
    let completed: Vec<TicketCode> = run
        .journal
        .iter()
        .filter_map(|r| match r.fact {
            Fact::TicketCompleted { ticket, .. } => Some(ticket),
            _ => None,
        })
        .collect();
    assert!(completed.len() >= 5, "{completed:?}");
    for t in completed {
        assert!(
            run.journal
                .iter()
                .any(|r| matches!(r.fact, Fact::RatingArmed { ticket, .. } if ticket == t)),
            "{t} was completed without a rating offered"
        );
    }
    assert!(
        !run.journal.iter().any(|r| matches!(
            r.fact,
            Fact::TicketUnrated {
                reason: UnratedReason::NextCall,
                ..
            }
        )),
        "no rating ended by a call"
    );
}

#[test]
fn an_away_notice_is_refused_until_it_says_what_the_rules_ask() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    let step = |run: &mut Run, away: Away| run.go(Command::StepAway { window: w(1), away });
    // 09:00 now.
    let refused = step(&mut run, away(AwayReason::Meeting, "2026-11-30T08:50")).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "the return time 2026-11-30 08:50 is not later than now (2026-11-30 09:00); give the time the member expects to be back"
    );
    assert_eq!(
        step(&mut run, away(AwayReason::Leave, "2027-01-05T09:00")),
        Err(Rejection::ReturnTooFar(AWAY_MAX_DAYS))
    );
    let long = away(AwayReason::Delivery, "2026-11-30T10:30");
    assert_eq!(
        step(&mut run, long.clone()),
        Err(Rejection::AwayNeedsManager { minutes: 90 })
    );
    let approved = Away {
        approver: Some("0001".into()),
        ..long.clone()
    };
    assert_eq!(
        step(&mut run, approved.clone()),
        Err(Rejection::AwayNeedsContact { minutes: 90 })
    );
    for bad in ["12", "call me", "+86 139", "1390000000000000000000"] {
        let a = Away {
            contact: Some(bad.into()),
            ..approved.clone()
        };
        assert!(
            matches!(step(&mut run, a), Err(Rejection::BadContact(_))),
            "{bad}"
        );
    }
    let instead_self = Away {
        instead: Some(w(1)),
        ..away(AwayReason::Meeting, "2026-11-30T09:20")
    };
    assert_eq!(
        step(&mut run, instead_self),
        Err(Rejection::InsteadIsSelf(w(1)))
    );
    // Serving a ticket: finish first.
    run.issue(a(), false);
    run.call(1);
    assert!(matches!(
        step(&mut run, away(AwayReason::Meeting, "2026-11-30T09:20")),
        Err(Rejection::WindowBusy { .. })
    ));
    run.go(Command::Skip { window: w(1) }).unwrap();
    // Approved, with a landline: accepted, and the notice says all of it.
    let ok = Away {
        contact: Some("0898-8888 1234".into()),
        instead: Some(w(2)),
        ..approved
    };
    let d = step(&mut run, ok).unwrap();
    assert_eq!(Run::kinds(&d), ["window_paused"]);
    let card = run.station.view(run.now).windows[0].clone();
    let notice = card.away.unwrap();
    assert_eq!(
        notice.zh,
        "工作人员区政务中心送件，预计 10:30 返回，请到 2 号窗口办理，联系电话 0898-8888 1234"
    );
    assert_eq!(notice.away.approver.as_deref(), Some("0001"));
    assert!(
        notice
            .en
            .starts_with("Staff taking files to the district centre, back at 10:30")
    );
    // A short absence needs nobody's approval, and keeps none given.
    let short = Away {
        approver: Some("0001".into()),
        ..away(AwayReason::Other, "2026-11-30T09:10")
    };
    step(&mut run, short).unwrap();
    let notice = run.station.view(run.now).windows[0].away.clone().unwrap();
    assert_eq!(notice.away.approver, None);
    assert_eq!(notice.zh, "工作人员暂时离开，预计 09:10 返回");
}

#[test]
fn a_category_whose_windows_are_all_away_says_so_and_its_tickets_carry_the_notice() {
    let mut run = people();
    sign_on(&mut run, 2, LI);
    run.go(Command::StepAway {
        window: w(2),
        away: away(AwayReason::Meeting, "2026-11-30T09:25"),
    })
    .unwrap();
    let view = run.station.view(run.now);
    // B is served only at window 2: away. A is served at 1 and 2: not.
    let category = |id: CategoryId| view.categories.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        category(b()).away.as_ref().map(|n| n.zh.as_str()),
        Some("工作人员会议，预计 09:25 返回")
    );
    assert_eq!(category(a()).away, None);
    // The station still issues, with the notice on the ticket.
    let d = run
        .go(Command::Issue {
            category: b(),
            priority: false,
        })
        .unwrap();
    let Some(Effect::PrintTicket(slip)) = d.effects.last() else {
        panic!("{:?}", d.effects)
    };
    assert_eq!(slip.away.as_ref().unwrap().back, "09:25");
    // A station that does not issue then refuses, saying why.
    let mut strict = Run::with_people(Settings {
        issue_when_away: false,
        ..run.station.settings().clone()
    });
    sign_on(&mut strict, 2, LI);
    strict
        .go(Command::StepAway {
            window: w(2),
            away: away(AwayReason::Meeting, "2026-11-30T09:25"),
        })
        .unwrap();
    assert_eq!(
        strict.go(Command::Issue {
            category: b(),
            priority: false
        }),
        Err(Rejection::AllAway(b()))
    );
    // The member comes back and calls: the notice is gone.
    run.go(Command::CallNext { window: w(2) }).unwrap();
    let view = run.station.view(run.now);
    assert!(view.categories.iter().all(|c| c.away.is_none()));
    assert!(view.windows[1].away.is_none());
}

#[test]
fn the_days_close_signs_everyone_off_and_a_rebuild_agrees() {
    let mut run = people();
    sign_on(&mut run, 1, WANG);
    sign_on(&mut run, 2, LI);
    run.issue(a(), false);
    run.call(1);
    run.go(Command::CallNext { window: w(1) }).unwrap();
    run.go(Command::StepAway {
        window: w(2),
        away: away(AwayReason::Visit, "2026-11-30T09:20"),
    })
    .unwrap();
    // Rebuilt from the journal, the station agrees on who is where.
    let mut rebuilt = run.station.blank();
    for r in &run.journal {
        let json = serde_json::to_string(r).unwrap();
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, r);
        rebuilt.apply(&back);
    }
    assert_eq!(rebuilt.view(run.now), run.station.view(run.now));
    assert!(run.station.view(run.now).windows[0].call_held);
    run.now = at("2026-11-30T18:00");
    let d = run.go(Command::Tick).unwrap();
    let off: Vec<_> = d
        .records
        .iter()
        .filter(|r| {
            matches!(
                r.fact,
                Fact::SignedOff {
                    why: SignOff::DayClosed,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(off.len(), 2);
    let view = run.station.view(run.now);
    assert!(view.windows.iter().all(|w| w.member.is_none()));
}

#[test]
fn an_old_journal_without_members_still_reads() {
    let old = r#"{"at":"2026-11-30T01:00:00Z","day":"2026-11-30","actor":{"by":"keypad","window":1},"fact":{"kind":"ticket_called","ticket":"A001","window":1}}"#;
    let r: Record = serde_json::from_str(old).unwrap();
    assert!(matches!(r.fact, Fact::TicketCalled { member: None, .. }));
    let paused = r#"{"at":"2026-11-30T01:00:00Z","day":"2026-11-30","actor":{"by":"technician"},"fact":{"kind":"window_paused","window":1}}"#;
    let r: Record = serde_json::from_str(paused).unwrap();
    assert!(matches!(r.fact, Fact::WindowPaused { away: None, .. }));
}

fn staff(id: &str) -> Actor {
    Actor::Staff { id: id.into() }
}

fn advance(case: CaseNo, role: StaffRole) -> Command {
    Command::AdvanceCase {
        case,
        stage: Stage::Registered,
        note: "已登记".into(),
        answer: None,
        role: Some(role),
    }
}

/// A bad rating at window `window` while `who` is signed on there as `role`.
fn rated_badly(run: &mut Run, window: u8, who: (&str, &str), role: StaffRole) -> CaseNo {
    run.go(Command::SignOn {
        window: w(window),
        member: member(who),
        role: Some(role),
    })
    .unwrap();
    let category = match window {
        2 => b(),
        3 => c(),
        _ => a(),
    };
    run.go(Command::Issue {
        category,
        priority: false,
    })
    .unwrap();
    run.go(Command::CallNext { window: w(window) }).unwrap();
    run.go(Command::Complete { window: w(window) }).unwrap();
    let d = run
        .go(Command::Rate {
            window: w(window),
            level: 1,
        })
        .unwrap();
    d.records.iter().find_map(|r| r.fact.case()).unwrap()
}

#[test]
fn nobody_handles_a_case_about_themselves() {
    let mut run = people();
    let case = rated_badly(&mut run, 1, WANG, StaffRole::Staff);
    assert!(!run.station.case(case).unwrap().about_manager);
    let refused = run
        .go_as(staff("0101"), advance(case, StaffRole::Staff))
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "case {case} names staff member 0101; nobody handles a case about themselves (投诉管理办法): the station manager or the supervisor (纪检) does"
        )
    );
    // Nor reopen, extend or export it, whatever their role.
    assert!(matches!(
        run.go_as(
            staff("0101"),
            Command::ExtendCase {
                case,
                working_days: 3,
                reason: "需要调查".into(),
                role: StaffRole::Manager,
            }
        ),
        Err(Rejection::OwnCase { .. })
    ));
    // A colleague may.
    run.go_as(staff("0102"), advance(case, StaffRole::Staff))
        .unwrap();
    assert_eq!(run.station.case(case).unwrap().stage(), Stage::Registered);
}

#[test]
fn a_case_about_the_manager_is_the_supervisors() {
    let mut run = people();
    // Window 3 names no posts: the manager serves there.
    let chen = ("陈站长", "0001");
    let case = rated_badly(&mut run, 3, chen, StaffRole::Manager);
    let c = run.station.case(case).unwrap().clone();
    assert!(c.about_manager);
    assert_eq!(c.deciding_role(), StaffRole::Supervisor);
    // Not the manager, not window staff, not another manager: the supervisor.
    assert!(matches!(
        run.go_as(staff("0001"), advance(case, StaffRole::Manager)),
        Err(Rejection::OwnCase { .. })
    ));
    for (id, role) in [("0102", StaffRole::Staff), ("0002", StaffRole::Manager)] {
        assert_eq!(
            run.go_as(staff(id), advance(case, role)),
            Err(Rejection::SupervisorsCase(case)),
            "{id}"
        );
    }
    assert_eq!(
        run.go_as(
            staff("0002"),
            Command::ExportCase {
                case,
                role: StaffRole::Manager,
                place: SignInPlace::Console,
            }
        ),
        Err(Rejection::ExportRole)
    );
    let supervisor = staff("0009");
    run.go_as(supervisor.clone(), advance(case, StaffRole::Supervisor))
        .unwrap();
    run.go_as(
        supervisor.clone(),
        Command::ExtendCase {
            case,
            working_days: 5,
            reason: "纪检调查".into(),
            role: StaffRole::Supervisor,
        },
    )
    .unwrap();
    run.go_as(
        supervisor,
        Command::ExportCase {
            case,
            role: StaffRole::Supervisor,
            place: SignInPlace::Console,
        },
    )
    .unwrap();
    // The supervisor does not decide the manager's other cases: a case
    // about window staff is still extended by the manager.
    let other = rated_badly(&mut run, 1, WANG, StaffRole::Staff);
    assert_eq!(
        run.go_as(
            staff("0009"),
            Command::ExtendCase {
                case: other,
                working_days: 5,
                reason: "需要调查".into(),
                role: StaffRole::Supervisor,
            }
        ),
        Err(Rejection::ExtensionRole)
    );
    // A complaint about the manager's window goes to the supervisor too.
    let d = run
        .go(Command::FileComplaint {
            topic: Topic::Attitude,
            window: Some(w(3)),
            text: "站长态度不好".into(),
            phone: None,
            form: 9,
            channel: Default::default(),
        })
        .unwrap();
    let complaint = d.records.iter().find_map(|r| r.fact.case()).unwrap();
    assert!(run.station.case(complaint).unwrap().about_manager);
}
