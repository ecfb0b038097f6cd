//! Tests of staff sign-ins and refused PINs as journaled, and of a paper
//! change printing a test page.

use super::*;

#[test]
fn sign_ins_and_refused_pins_are_journaled_and_paper_changes_print_a_test_page() {
    let mut run = Run::strict();
    let d = run
        .go(Command::NoteSignIn {
            staff: "0001".into(),
            place: SignInPlace::Console,
            refused: None,
        })
        .unwrap();
    assert_eq!(
        d.records.last().unwrap().fact,
        Fact::StaffSignedIn {
            staff: "0001".into(),
            place: SignInPlace::Console
        }
    );
    let d = run
        .go(Command::NoteSignIn {
            staff: "x".repeat(40),
            place: SignInPlace::Touchscreen,
            refused: Some("wrong PIN".into()),
        })
        .unwrap();
    let r = d.records.last().unwrap();
    // Nobody is known to have typed it: the system notes it.
    assert_eq!(r.actor, Actor::System);
    assert!(matches!(&r.fact, Fact::PinRefused { staff, .. } if staff.len() == 16));
    let d = run.go(Command::PaperChanged).unwrap();
    assert_eq!(Run::kinds(&d).last(), Some(&"paper_changed"));
    assert_eq!(d.effects, vec![Effect::PrintTestPage]);
}
