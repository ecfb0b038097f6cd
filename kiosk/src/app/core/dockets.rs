//! The station loop's side of dockets at the kiosk: the receipt lookup a
//! citizen types or scans. An open docket is read from the station, one
//! collected earlier from the store; every miss gets the same answer, and
//! repeated misses make the lookup wait.

use super::Core;
use crate::receipt::{self, Query};

impl Core {
    pub(super) async fn look_up_receipt(&mut self, query: Query) {
        let now = self.clock.now();
        if let Some(minutes) = self.receipt_throttle.waiting(now) {
            self.screen.receipt(receipt::waiting(minutes));
            return;
        }
        let Ok(no) = query.number.parse::<crate::domain::DocketNo>() else {
            self.receipt_throttle.miss(now);
            self.screen.receipt(receipt::not_found());
            return;
        };
        let docket = match self.station.docket(no) {
            Some(d) => Some(d.clone()),
            None => self
                .writer
                .read(move |store| store::dockets::read_docket(store.connection(), no))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten(),
        };
        match docket.filter(|d| receipt::matches(&query, d)) {
            Some(d) => {
                self.receipt_throttle.hit();
                self.screen.receipt(receipt::found(&d));
            }
            None => {
                // Neither the number nor the code goes to the log.
                tracing::info!("a receipt lookup at the kiosk found nothing");
                self.receipt_throttle.miss(now);
                self.screen.receipt(receipt::not_found());
            }
        }
    }
}
