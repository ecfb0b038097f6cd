//! The safety zone task: what the board reads on each zone goes through the
//! supervised-zone state machines here, on tokio's clock, and the alarms,
//! faults and input changes they decide go to the station loop, what one
//! reading decided in one event (one commit).
//!
//! The simulated board's `zone`, `panic` and `smoke` commands and a Pi's
//! GPIO and ADC readers (`hardware.rs`) feed the same requests. A smoke alarm that
//! is confirmed later, or a fault that has lasted, is found by sleeping until
//! the zones' next deadline — under paused tokio time in tests.

use crate::app::DeviceEvent;
use std::time::Duration;

use board::Input;
use board::profile::BoardProfile;
use board::zones::{Seed, ZoneRead, Zones};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::Event;

/// What the zone task is asked to do.
pub enum ZoneRequest {
    /// A zone's input reads this now (zone by name or role word).
    Read {
        zone: String,
        read: ZoneRead,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// The station reset the zone's alarm: the zone's own latch follows.
    Reset { zone: u8 },
    /// The zone's number by name or role word.
    Find {
        zone: String,
        reply: oneshot::Sender<Result<u8, String>>,
    },
}

/// Runs until every sender is gone. `seeds`: the zones as the station's
/// journal left them before this start.
pub async fn run(
    profile: BoardProfile,
    seeds: Vec<Seed>,
    mut requests: UnboundedReceiver<ZoneRequest>,
    events: UnboundedSender<Event>,
) {
    let start = Instant::now();
    let mut zones = Zones::new(&profile, &seeds);
    // What one reading or deadline decided goes to the station together,
    // to be journaled in one commit.
    let forward = |inputs: Vec<Input>| {
        let mut signals = Vec::with_capacity(inputs.len());
        for input in inputs {
            tracing::info!("zone: {input:?}");
            match input {
                Input::Zone { zone, signal } => signals.push((zone, signal)),
                other => {
                    let _ = events.send(Event::Device(DeviceEvent::Input(other, None)));
                }
            }
        }
        if !signals.is_empty() {
            let _ = events.send(Event::Device(DeviceEvent::Zones(signals)));
        }
    };
    loop {
        let deadline = zones.deadline();
        tokio::select! {
            request = requests.recv() => match request {
                None => break,
                Some(ZoneRequest::Read { zone, read, reply }) => {
                    let answer = zones
                        .find(&zone)
                        .and_then(|z| zones.read(z, read, start.elapsed()))
                        .map(&forward);
                    let _ = reply.send(answer);
                }
                Some(ZoneRequest::Reset { zone }) => {
                    if let Err(e) = zones.reset(zone) {
                        tracing::warn!("zone {zone}: the board's latch did not reset: {e:?}");
                    }
                }
                Some(ZoneRequest::Find { zone, reply }) => {
                    let _ = reply.send(zones.find(&zone));
                }
            },
            _ = tokio::time::sleep_until(start + deadline.unwrap_or(Duration::ZERO)), if deadline.is_some() => {
                forward(zones.tick(start.elapsed()));
            }
        }
    }
}
