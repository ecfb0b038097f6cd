//! The evaluator key task: raw key edges from the board go through the input
//! filters here, on tokio's clock, and what the filters decide goes to the
//! station loop as board inputs.
//!
//! The simulated board's `edge` command and a Pi's GPIO input thread
//! (`hardware.rs`) feed it the same [`KeyEvent`]s, timed as they arrive. A press
//! that settles later (the stable filter) or a key that becomes stuck is found
//! by sleeping until the filters' next deadline — under paused tokio time in
//! tests, so bouncy edge trains run exactly and instantly.

use crate::app::DeviceEvent;
use std::time::Duration;

use board::Input;
use board::keys::Keys;
use board::profile::BoardProfile;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::Event;

type Reply = oneshot::Sender<Result<(), String>>;

/// What the key task is asked to do.
pub enum KeyEvent {
    /// A raw level on a pin.
    Edge {
        pin: u32,
        pressed: bool,
        reply: Reply,
    },
    /// A debounced press by level (the simulated board's `rate` command),
    /// checked against the profile; answered by the station loop.
    Press { window: u8, level: u8, reply: Reply },
}

/// Runs until every sender is gone.
pub async fn run(
    profile: BoardProfile,
    mut requests: UnboundedReceiver<KeyEvent>,
    events: UnboundedSender<Event>,
) {
    let start = Instant::now();
    let mut keys = Keys::new(&profile, Duration::ZERO);
    let forward = |inputs: Vec<Input>| {
        for input in inputs {
            tracing::info!("evaluator: {input:?}");
            let _ = events.send(Event::Device(DeviceEvent::Input(input, None)));
        }
    };
    loop {
        let deadline = keys.deadline();
        tokio::select! {
            request = requests.recv() => match request {
                None => break,
                Some(KeyEvent::Edge { pin, pressed, reply }) => {
                    let answer = keys.edge(pin, pressed, start.elapsed()).map(&forward);
                    let _ = reply.send(answer);
                }
                Some(KeyEvent::Press { window, level, reply }) => match keys.press(window, level) {
                    Ok(input) => {
                        let _ = events.send(Event::Device(DeviceEvent::Input(input, Some(reply))));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                },
            },
            _ = tokio::time::sleep_until(start + deadline.unwrap_or_default()), if deadline.is_some() => {
                forward(keys.tick(start.elapsed()));
            }
        }
    }
}
