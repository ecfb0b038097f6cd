//! The console's session and sign-in rules with time passed in: what keeps
//! a session alive, one session per member, and how a sign-in flood is
//! counted and journaled.

use super::*;
use crate::domain::{StaffRole, WindowNo};

fn member(staff: &str, at: Instant) -> Session {
    Session {
        staff: staff.into(),
        name: "王芳".into(),
        role: StaffRole::Staff,
        csrf: "c".into(),
        last_seen: at,
        pin: "hash".into(),
        window: WindowNo::new(1),
    }
}

const IDLE: Duration = Duration::from_secs(30 * 60);

#[test]
fn the_today_pages_refresh_does_not_keep_a_session_alive_but_a_persons_request_does() {
    let start = Instant::now();
    let mut sessions = Sessions::default();
    sessions.open("a".into(), member("0101", start));
    sessions.open("b".into(), member("0102", start));
    // Member 0101 leaves today's page open: it refreshes every 3 seconds
    // (`peek` without `touch`) for 31 minutes.
    let mut t = start;
    while t < start + IDLE + Duration::from_secs(60) {
        t += Duration::from_secs(3);
        // Member 0102 clicks something every 10 minutes.
        if (t - start).as_secs().is_multiple_of(600) {
            assert!(sessions.peek("b", t, IDLE).is_some());
            sessions.touch("b", t);
        }
        if t - start <= IDLE {
            assert!(sessions.peek("a", t, IDLE).is_some(), "alive at {t:?}");
        }
    }
    assert!(sessions.peek("a", t, IDLE).is_none(), "the refresh kept it");
    assert!(sessions.peek("b", t, IDLE).is_some());
    // Gone, not only hidden: on duty no more.
    assert_eq!(
        sessions.on_duty(t, IDLE).get(&1),
        Some(&vec!["王芳 (0102)".to_string()])
    );
}

#[test]
fn a_new_sign_in_ends_the_members_earlier_sessions_only() {
    let now = Instant::now();
    let mut sessions = Sessions::default();
    assert_eq!(sessions.open("pc-1".into(), member("0101", now)), 0);
    assert_eq!(sessions.open("other".into(), member("0102", now)), 0);
    assert_eq!(sessions.open("pc-2".into(), member("0101", now)), 1);
    assert!(sessions.peek("pc-1", now, IDLE).is_none());
    assert!(sessions.peek("pc-2", now, IDLE).is_some());
    assert!(sessions.peek("other", now, IDLE).is_some());
}

#[test]
fn dead_sessions_are_dropped_by_the_sweep() {
    let now = Instant::now();
    let mut sessions = Sessions::default();
    sessions.open("old".into(), member("0101", now));
    sessions.open("new".into(), member("0102", now + IDLE));
    sessions.prune(now + IDLE + Duration::from_secs(1), IDLE);
    assert_eq!(sessions.by_token.len(), 1);
    assert!(sessions.by_token.contains_key("new"));
}

#[test]
fn a_sign_in_flood_is_refused_journaled_once_then_counted_for_the_sweep() {
    let start = Instant::now();
    let mut attempts = Attempts::default();
    let flood: IpAddr = "192.168.1.66".parse().unwrap();
    let other: IpAddr = "192.168.1.7".parse().unwrap();
    for _ in 0..ATTEMPTS {
        assert_eq!(attempts.attempt(flood, start), Attempt::Allowed);
    }
    assert_eq!(
        attempts.attempt(flood, start),
        Attempt::Refused { first: true }
    );
    for _ in 0..500 {
        assert_eq!(
            attempts.attempt(flood, start + Duration::from_secs(1)),
            Attempt::Refused { first: false }
        );
    }
    // Another machine is not slowed down.
    assert_eq!(attempts.attempt(other, start), Attempt::Allowed);
    // Nothing is said while the window lasts.
    assert!(attempts.sweep(start + ATTEMPT_WINDOW).is_empty());
    // When it ends: the 500 refusals after the first, once; the quiet
    // address has nothing to say.
    let later = start + ATTEMPT_WINDOW + Duration::from_secs(1);
    assert_eq!(attempts.sweep(later), vec![(flood, 500)]);
    assert!(attempts.sweep(later).is_empty());
    assert_eq!(attempts.attempt(flood, later), Attempt::Allowed);
}

#[test]
fn a_new_window_before_the_sweep_keeps_the_refusals_still_unsaid() {
    let start = Instant::now();
    let mut attempts = Attempts::default();
    let flood: IpAddr = "10.0.0.9".parse().unwrap();
    for _ in 0..ATTEMPTS + 3 {
        attempts.attempt(flood, start);
    }
    // The next window begins before any sweep: its attempts are allowed
    // again, and the two unsaid refusals wait for the sweep.
    let next = start + ATTEMPT_WINDOW + Duration::from_secs(1);
    assert_eq!(attempts.attempt(flood, next), Attempt::Allowed);
    assert_eq!(
        attempts.sweep(next + ATTEMPT_WINDOW + Duration::from_secs(1)),
        vec![(flood, 2)]
    );
}

#[test]
fn only_plain_http_beyond_loopback_counts_as_in_clear() {
    let at = |listen: &str, tls: bool| ConsoleSettings {
        listen: listen.parse().unwrap(),
        tls: tls.then(|| TlsFiles {
            cert: "c".into(),
            key: "k".into(),
        }),
        ..ConsoleSettings::default()
    };
    assert!(!at("127.0.0.1:8080", false).plain_on_network());
    assert!(!at("[::1]:8080", false).plain_on_network());
    assert!(!at("[::ffff:127.0.0.1]:8080", false).plain_on_network());
    assert!(at("192.168.1.20:8080", false).plain_on_network());
    assert!(at("0.0.0.0:8080", false).plain_on_network());
    assert!(at("[::]:8080", false).plain_on_network());
    assert!(!at("192.168.1.20:8443", true).plain_on_network());
}
