//! Tests of the manager's registers: leave (its kinds, its limits, no
//! overlap for one member, cancelling) and the duty roster (who keeps
//! tonight's phone, what the roster takes), and both rebuilt from their
//! facts as a restart does.

use super::*;

const MANAGER: StaffRole = StaffRole::Manager;

fn member(name: &str, number: &str) -> StaffRef {
    StaffRef {
        name: name.into(),
        number: number.into(),
    }
}

fn leave(
    run: &mut Run,
    who: &str,
    kind: LeaveKind,
    from: &str,
    to: &str,
) -> Result<u32, Rejection> {
    let d = run.go(Command::RegisterLeave {
        member: member("王芳", who),
        leave: kind,
        from: date(from),
        to: date(to),
        approver: "0100".into(),
        role: MANAGER,
    })?;
    assert_eq!(Run::kinds(&d).last(), Some(&"leave_registered"));
    match &d.records.last().unwrap().fact {
        Fact::LeaveRegistered { entry } => Ok(entry.no),
        other => panic!("{other:?}"),
    }
}

fn duty(number: &str, phone: &str) -> Duty {
    Duty {
        member: member("李强", number),
        phone: phone.into(),
        leader: Some(member("张站长", "0100")),
    }
}

fn set_duty(run: &mut Run, days: &[&str], d: Duty) -> Result<Decision, Rejection> {
    run.go(Command::SetDuty {
        days: days.iter().map(|s| date(s)).collect(),
        duty: d,
        role: MANAGER,
    })
}

#[test]
fn leave_is_numbered_and_never_overlaps_for_one_member() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Sick,
            "2026-12-01",
            "2026-12-03"
        ),
        Ok(1)
    );
    // Another member the same days; the same member the day after.
    assert_eq!(
        leave(
            &mut run,
            "0102",
            LeaveKind::Annual,
            "2026-12-01",
            "2026-12-03"
        ),
        Ok(2)
    );
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Personal,
            "2026-12-04",
            "2026-12-04"
        ),
        Ok(3)
    );
    // Sharing one day, at either end or inside.
    for (from, to) in [
        ("2026-11-28", "2026-12-01"),
        ("2026-12-03", "2026-12-10"),
        ("2026-12-02", "2026-12-02"),
        ("2026-11-20", "2026-12-20"),
    ] {
        assert_eq!(
            leave(&mut run, "0101", LeaveKind::Annual, from, to),
            Err(Rejection::LeaveOverlaps {
                member: "0101".into(),
                no: 1,
                from: date("2026-12-01"),
                to: date("2026-12-03"),
            }),
            "{from}..{to}"
        );
    }
    // Struck out, the days are free again; the number is not reused.
    let d = run
        .go(Command::CancelLeave {
            no: 1,
            role: MANAGER,
        })
        .unwrap();
    assert_eq!(Run::kinds(&d), ["leave_cancelled"]);
    assert_eq!(
        run.station
            .leave_register()
            .map(|l| l.no)
            .collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Sick,
            "2026-12-01",
            "2026-12-02"
        ),
        Ok(4)
    );
    assert_eq!(
        run.go(Command::CancelLeave {
            no: 1,
            role: MANAGER
        }),
        Err(Rejection::NoSuchLeave(1))
    );
}

#[test]
fn leave_limits_and_the_manager_alone() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Sick,
            "2026-12-03",
            "2026-12-01"
        ),
        Err(Rejection::LeaveDates {
            from: date("2026-12-03"),
            to: date("2026-12-01")
        })
    );
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Maternity,
            "2026-12-01",
            "2027-06-09"
        ),
        Err(Rejection::LeaveTooLong(191))
    );
    assert_eq!(
        leave(
            &mut run,
            "0101",
            LeaveKind::Maternity,
            "2026-12-01",
            "2027-06-08"
        ),
        Ok(1)
    );
    // Entered afterwards: up to 31 days after it began.
    assert_eq!(
        leave(
            &mut run,
            "0102",
            LeaveKind::Sick,
            "2026-10-30",
            "2026-10-30"
        ),
        Ok(2)
    );
    let too_old = leave(
        &mut run,
        "0102",
        LeaveKind::Sick,
        "2026-10-29",
        "2026-10-29",
    );
    assert!(
        matches!(too_old, Err(Rejection::LeaveWhen { earliest, .. }) if earliest == date("2026-10-30")),
        "{too_old:?}"
    );
    assert!(matches!(
        leave(
            &mut run,
            "0102",
            LeaveKind::Annual,
            "2027-12-02",
            "2027-12-03"
        ),
        Err(Rejection::LeaveWhen { .. })
    ));
    for role in [
        StaffRole::Staff,
        StaffRole::Supervisor,
        StaffRole::Technician,
    ] {
        let refused = run.go(Command::RegisterLeave {
            member: member("李强", "0102"),
            leave: LeaveKind::Annual,
            from: date("2026-12-20"),
            to: date("2026-12-21"),
            approver: "0102".into(),
            role,
        });
        assert_eq!(refused, Err(Rejection::ManagersRegister), "{role:?}");
        assert_eq!(
            run.go(Command::CancelLeave { no: 1, role }),
            Err(Rejection::ManagersRegister)
        );
        assert_eq!(
            run.go(Command::SetDuty {
                days: vec![date("2026-12-05")],
                duty: duty("0102", "13800138000"),
                role,
            })
            .map(|_| ()),
            Err(Rejection::ManagersRegister)
        );
    }
    let refused = Rejection::ManagersRegister.to_string();
    assert!(refused.contains("manager"), "{refused}");
}

#[test]
fn tonights_duty_keeps_the_phone_until_the_next_morning_opens() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    set_duty(
        &mut run,
        &["2026-11-30", "2026-12-02"],
        duty("0102", "13800138000"),
    )
    .unwrap();
    set_duty(&mut run, &["2026-12-01"], duty("0103", "0898-88880000")).unwrap();
    let number = |run: &Run, t: &str| {
        run.station
            .duty_at(at(t))
            .map(|d| d.member.number.clone())
            .unwrap_or_default()
    };
    assert_eq!(number(&run, "2026-11-30T18:00"), "0102");
    assert_eq!(number(&run, "2026-12-01T06:00"), "0102", "before opening");
    assert_eq!(number(&run, "2026-12-01T08:30"), "0103");
    assert_eq!(number(&run, "2026-12-01T23:59"), "0103");
    assert_eq!(number(&run, "2026-12-03T09:00"), "", "no duty set");
    // A later entry changes a day.
    set_duty(&mut run, &["2026-12-02"], duty("0104", "13900139000")).unwrap();
    assert_eq!(number(&run, "2026-12-02T20:00"), "0104");
    let d = run.station.duty_on(date("2026-12-02")).unwrap();
    assert_eq!(d.leader.as_ref().map(|l| l.number.as_str()), Some("0100"));
}

#[test]
fn the_roster_refuses_bad_days_and_numbers() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    let refused = set_duty(&mut run, &["2026-11-22"], duty("0102", "13800138000"));
    assert!(
        matches!(refused, Err(Rejection::RosterDays { .. })),
        "{refused:?}"
    );
    assert!(set_duty(&mut run, &["2026-11-23"], duty("0102", "13800138000")).is_ok());
    assert!(matches!(
        set_duty(&mut run, &[], duty("0102", "13800138000")),
        Err(Rejection::RosterDays { .. })
    ));
    assert!(matches!(
        set_duty(&mut run, &["2028-01-05"], duty("0102", "13800138000")),
        Err(Rejection::RosterDays { .. })
    ));
    let quarter: Vec<String> = (0..93)
        .map(|i| {
            date("2026-12-01")
                .checked_add(jiff::Span::new().days(i))
                .unwrap()
                .to_string()
        })
        .collect();
    let days: Vec<&str> = quarter.iter().map(String::as_str).collect();
    assert!(matches!(
        set_duty(&mut run, &days, duty("0102", "13800138000")),
        Err(Rejection::RosterDays { .. })
    ));
    assert!(set_duty(&mut run, &days[..92], duty("0102", "13800138000")).is_ok());
    for phone in ["", "call me", "12", "+86 138"] {
        assert!(
            matches!(
                set_duty(&mut run, &["2026-12-01"], duty("0102", phone)),
                Err(Rejection::BadContact(_))
            ),
            "{phone:?}"
        );
    }
}

#[test]
fn the_registers_rebuild_from_their_facts_and_forget_what_no_rule_needs() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    leave(
        &mut run,
        "0101",
        LeaveKind::Sick,
        "2026-12-01",
        "2026-12-02",
    )
    .unwrap();
    leave(
        &mut run,
        "0102",
        LeaveKind::Annual,
        "2026-11-30",
        "2026-11-30",
    )
    .unwrap();
    run.go(Command::CancelLeave {
        no: 2,
        role: MANAGER,
    })
    .unwrap();
    set_duty(&mut run, &["2026-11-30"], duty("0102", "13800138000")).unwrap();
    // As the journal reads back, a fact at a time (JSON both ways).
    let mut rebuilt = run.station.blank();
    for r in &run.journal {
        let json = serde_json::to_string(r).unwrap();
        rebuilt.apply(&serde_json::from_str(&json).unwrap());
    }
    let numbers = |s: &Station| s.leave_register().map(|l| l.no).collect::<Vec<_>>();
    assert_eq!(numbers(&rebuilt), [1]);
    assert_eq!(
        rebuilt.duty_on(date("2026-11-30")),
        run.station.duty_on(date("2026-11-30"))
    );
    // Seeded (a restart on a later day): the numbers go on.
    let mut seeded = run.station.blank();
    seeded.seed_registers(Registers {
        leave: rebuilt.leave_register().cloned().collect(),
        roster: vec![(date("2026-11-30"), duty("0102", "13800138000"))],
        highest_leave: 2,
        ..Registers::default()
    });
    let mut later = Run::strict().at("2026-12-01T09:00");
    later.station = seeded;
    assert_eq!(
        leave(
            &mut later,
            "0101",
            LeaveKind::Sick,
            "2026-12-01",
            "2026-12-01"
        ),
        Err(Rejection::LeaveOverlaps {
            member: "0101".into(),
            no: 1,
            from: date("2026-12-01"),
            to: date("2026-12-02"),
        })
    );
    assert_eq!(
        leave(
            &mut later,
            "0103",
            LeaveKind::Sick,
            "2026-12-01",
            "2026-12-01"
        ),
        Ok(3)
    );
    // Six weeks on, a day opens: the old entries are gone from memory.
    let mut far = Run::strict().at("2027-01-15T09:00");
    far.station = later.station;
    far.issue(a(), false);
    assert!(numbers(&far.station).is_empty());
    assert_eq!(far.station.duty_on(date("2026-11-30")), None);
}

fn notice(title: &str, from: &str, until: &str, closes: bool) -> PostedNotice {
    PostedNotice {
        title: title.into(),
        text: "受台风影响，暂停对外办公，急事请拨值班电话。".into(),
        from: at(from),
        until: at(until),
        closes,
    }
}

fn post(run: &mut Run, n: PostedNotice) -> Result<u32, Rejection> {
    let d = run.go(Command::PostNotice {
        notice: n,
        role: MANAGER,
    })?;
    match &d.records.last().unwrap().fact {
        Fact::NoticePosted { no, .. } => Ok(*no),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_posted_closure_closes_ticketing_for_its_period_with_the_notice_as_the_reason() {
    let mut run = Run::strict().at("2026-11-30T08:00");
    // Posted at eight for the afternoon: the morning issues as usual.
    let no = post(
        &mut run,
        notice("台风停止办公", "2026-11-30T12:00", "2026-12-01T12:00", true),
    )
    .unwrap();
    assert_eq!(no, 1);
    run.now = at("2026-11-30T09:00");
    run.issue(a(), false);
    let v = run.station.view(at("2026-11-30T09:00"));
    assert!(v.issuing && v.closure.is_none());
    assert_eq!(v.notices, [], "not posted before its time");
    // In its period: refused, the view names it, the next opening is
    // when it ends (Tuesday noon falls in the break: 14:00).
    run.now = at("2026-11-30T14:30");
    let refused = run.go(Command::Issue {
        category: a(),
        priority: false,
    });
    assert!(
        matches!(refused, Err(Rejection::TicketingClosed { .. })),
        "{refused:?}"
    );
    let v = run.station.view(at("2026-11-30T14:30"));
    assert!(!v.issuing);
    assert_eq!(
        v.closure.as_ref().map(|n| n.title.as_str()),
        Some("台风停止办公")
    );
    assert_eq!(v.notices.len(), 1);
    assert_eq!(v.next_open.as_deref(), Some("2026-12-01 14:00"));
    // Taken down: ticketing opens again at once.
    run.go(Command::WithdrawNotice { no, role: MANAGER })
        .unwrap();
    let v = run.station.view(at("2026-11-30T14:31"));
    assert!(v.issuing && v.closure.is_none() && v.notices.is_empty());
    assert_eq!(
        run.go(Command::WithdrawNotice { no, role: MANAGER })
            .map(|_| ()),
        Err(Rejection::NoSuchNotice(1))
    );
}

#[test]
fn a_notice_is_refused_without_a_title_too_long_or_ending_in_the_past() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    assert_eq!(
        post(
            &mut run,
            notice("", "2026-11-30T09:00", "2026-11-30T18:00", false)
        ),
        Err(Rejection::NoticeText)
    );
    assert_eq!(
        post(
            &mut run,
            notice(
                &"停".repeat(31),
                "2026-11-30T09:00",
                "2026-11-30T18:00",
                false
            )
        ),
        Err(Rejection::NoticeText)
    );
    for (from, until) in [
        ("2026-11-30T10:00", "2026-11-30T10:00"),
        ("2026-11-29T10:00", "2026-11-30T08:00"),
        ("2026-11-30T10:00", "2027-12-31T10:00"),
    ] {
        assert!(
            matches!(
                post(&mut run, notice("停水通知", from, until, false)),
                Err(Rejection::NoticeTimes(..))
            ),
            "{from}..{until}"
        );
    }
    // Titles and texts are normalised (control characters blanked), and a
    // notice not closing leaves ticketing alone.
    let mut n = notice(
        " 停水\u{7}通知 ",
        "2026-11-30T09:00",
        "2026-11-30T18:00",
        false,
    );
    n.text = "明天 8:00-12:00 停水，小组长接待请到 2 楼。".into();
    post(&mut run, n).unwrap();
    let v = run.station.view(at("2026-11-30T10:00"));
    assert!(v.issuing);
    assert_eq!(
        v.notices[0].1.title, "停水 通知",
        "trimmed, the bell a space"
    );
    assert_eq!(
        run.go(Command::PostNotice {
            notice: notice("停水通知", "2026-11-30T09:00", "2026-11-30T18:00", false),
            role: StaffRole::Staff,
        })
        .map(|_| ()),
        Err(Rejection::ManagersRegister)
    );
}

#[test]
fn posted_notices_survive_a_restart_and_are_forgotten_once_over() {
    let mut run = Run::strict().at("2026-11-30T09:00");
    post(
        &mut run,
        notice("台风停止办公", "2026-12-01T00:00", "2026-12-02T00:00", true),
    )
    .unwrap();
    let mut seeded = run.station.blank();
    seeded.seed_registers(Registers {
        notices: run
            .station
            .notices()
            .map(|(no, n)| (no, n.clone()))
            .collect(),
        highest_notice: 1,
        ..Registers::default()
    });
    let mut later = Run::strict().at("2026-12-01T09:00");
    later.station = seeded;
    assert!(matches!(
        later.go(Command::Issue {
            category: a(),
            priority: false
        }),
        Err(Rejection::TicketingClosed { .. })
    ));
    assert_eq!(
        post(
            &mut later,
            notice("停电通知", "2026-12-03T08:00", "2026-12-03T18:00", false)
        ),
        Ok(2)
    );
    // Two days on, a day opens: the closure is over and forgotten.
    later.now = at("2026-12-03T09:00");
    later.issue(a(), false);
    let numbers: Vec<u32> = later.station.notices().map(|(no, _)| no).collect();
    assert_eq!(numbers, [2]);
}
