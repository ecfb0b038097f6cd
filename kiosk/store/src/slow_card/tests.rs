//! Tests of the slow card's model: how it is read from text, and the delays
//! it draws. The VFS itself is tested under a store in `tests/slow_card.rs`.

use std::time::Duration;

use super::*;

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

#[test]
fn a_model_is_read_from_three_delays_or_cheap() {
    assert_eq!(CardModel::parse("cheap"), Ok(CardModel::CHEAP));
    assert_eq!(CardModel::parse(" 5, 40 ,250 "), Ok(CardModel::CHEAP));
    assert_eq!(
        CardModel::parse("0.5,2,10").unwrap().median,
        Duration::from_micros(500)
    );
    for (text, says) in [
        ("5,40", "three delays"),
        ("5,40,250,1", "three delays"),
        ("", "three delays"),
        ("fast", "three delays"),
        ("5,x,250", "the p99 `x`"),
        ("-1,40,250", "the median `-1`"),
        ("0,40,250", "the median `0`"),
        ("5,40,NaN", "the worst `NaN`"),
        ("5,40,99999", "the worst `99999`"),
        ("40,5,250", "median ≤ p99 ≤ worst"),
        ("5,400,250", "median ≤ p99 ≤ worst"),
    ] {
        let error = CardModel::parse(text).unwrap_err();
        assert!(error.contains(says), "{text}: {error}");
    }
}

#[test]
fn the_delays_have_the_stated_median_and_p99_and_never_pass_the_worst() {
    let model = CardModel::CHEAP;
    let mut state = 7;
    let mut delays: Vec<Duration> = (1..=100_000)
        .map(|n| model.delay(n, normal(&mut state)))
        .collect();
    delays.sort();
    let at = |q: f64| delays[((delays.len() as f64) * q) as usize - 1];
    let (median, p99) = (at(0.5), at(0.99));
    assert!(median > ms(4) && median < ms(6), "median {median:?}");
    assert!(p99 > ms(34) && p99 < ms(48), "p99 {p99:?}");
    assert_eq!(*delays.last().unwrap(), model.worst);
    // Every thousandth sync is a stall of the worst delay.
    let stalls = delays.iter().filter(|d| **d == model.worst).count();
    assert!((100..=110).contains(&stalls), "{stalls} stalls");
    assert_eq!(model.delay(STALL_EVERY * 3, 0.0), model.worst);
    assert_eq!(model.delay(1, 0.0), model.median);
}
