//! The queue: issuing tickets, calling, recalling, skipping, re-queuing,
//! transferring and completing them, opening and pausing windows; which
//! ticket a window calls next and how long the wait is.

use jiff::Timestamp;

use super::{
    Command, Effect, Fact, Notice, Record, Rejection, Scratch, Station, TicketSlip, UnratedReason,
};
use crate::catalog::{Category, CategoryId, Policy, WindowNo};
use crate::hours::{ClosedReason, Ticketing, ticketing_state};
use crate::matter::MatterRef;
use crate::printing::Paper;
use crate::ticket::{Ticket, TicketCode, TicketState};

/// Gap between the queue positions of consecutive tickets, so that re-queued
/// tickets can be slotted in between without renumbering.
const ORDER_STEP: i64 = 1 << 20;

impl Station {
    /// Applies a fact about tickets or windows.
    pub(super) fn apply_queue(&mut self, record: &Record) {
        match &record.fact {
            Fact::TicketIssued {
                ticket,
                priority,
                order,
                matter,
                ..
            } => {
                let counter = self.counters.entry(ticket.category).or_default();
                *counter = (*counter).max(ticket.number);
                self.tickets.push(Ticket {
                    code: *ticket,
                    queue: ticket.category,
                    priority: *priority,
                    issued_at: record.at,
                    order: *order,
                    state: TicketState::Waiting,
                    matter: matter.clone(),
                });
                self.next_order = self.next_order.max(order + ORDER_STEP);
                self.prints
                    .requested(Paper::Ticket { ticket: *ticket }, record.at);
            }
            Fact::TicketCalled { ticket, window, .. } => {
                // The citizen reached the window: their paper no longer
                // matters.
                self.prints
                    .forget_listed(&Paper::Ticket { ticket: *ticket });
                let priority = self.ticket(*ticket).is_some_and(|t| t.priority);
                self.set_state(
                    *ticket,
                    TicketState::Called {
                        window: *window,
                        at: record.at,
                        recalls: 0,
                    },
                );
                let w = self.windows.entry(*window).or_default();
                w.current = Some(*ticket);
                w.paused = false;
                w.away = None;
                w.call_held = false;
                w.priority_streak = if priority {
                    w.priority_streak.saturating_add(1)
                } else {
                    0
                };
            }
            Fact::TicketRecalled { ticket, count, .. } => {
                if let Some(t) = self.ticket_mut(*ticket)
                    && let TicketState::Called { recalls, .. } = &mut t.state
                {
                    *recalls = *count;
                }
            }
            Fact::TicketSkipped { ticket, window } => {
                self.set_state(*ticket, TicketState::Skipped { window: *window });
                self.clear_window(*window);
            }
            Fact::TicketRequeued { ticket, order } => {
                if let Some(t) = self.ticket_mut(*ticket) {
                    t.state = TicketState::Waiting;
                    t.order = *order;
                }
                self.next_order = self.next_order.max(order + ORDER_STEP);
            }
            Fact::TicketTransferred {
                ticket,
                window,
                to,
                order,
            } => {
                if let Some(t) = self.ticket_mut(*ticket) {
                    t.state = TicketState::Waiting;
                    t.queue = *to;
                    t.order = *order;
                }
                self.clear_window(*window);
            }
            Fact::TicketCompleted {
                ticket,
                window,
                service_seconds,
                ..
            } => {
                let queue = self.ticket(*ticket).map(|t| t.queue);
                self.set_state(*ticket, TicketState::Completed { window: *window });
                self.clear_window(*window);
                if let Some(queue) = queue {
                    self.seed_service_times(queue, [*service_seconds]);
                }
            }
            Fact::WindowOpened { window } => {
                let w = self.windows.entry(*window).or_default();
                w.paused = false;
                w.away = None;
            }
            Fact::WindowPaused { window, away } => {
                let w = self.windows.entry(*window).or_default();
                w.paused = true;
                w.away = away.clone();
                w.call_held = false;
            }
            _ => {}
        }
    }

    /// Whether a category issues tickets at `now`, by its hours and the
    /// calendar.
    pub(super) fn ticketing(&self, category: &Category, now: Timestamp) -> Ticketing {
        let hours = self.catalog.hours_of(category);
        // A posted closure (a typhoon, a power cut) closes ticketing until
        // it ends; then the hours say when it opens.
        if let Some(n) = self.closure_at(now) {
            let next_open = match ticketing_state(hours, &self.calendar, &self.settings, n.until) {
                Ticketing::Open { .. } => Some(n.until),
                Ticketing::Closed { next_open, .. } => next_open,
            };
            return Ticketing::Closed {
                reason: ClosedReason::Notice(n.title.clone()),
                next_open,
            };
        }
        ticketing_state(hours, &self.calendar, &self.settings, now)
    }

    /// Today's ticket with this code, to change it.
    fn ticket_mut(&mut self, code: TicketCode) -> Option<&mut Ticket> {
        self.tickets.iter_mut().find(|t| t.code == code)
    }

    /// Moves a ticket to another state.
    fn set_state(&mut self, code: TicketCode, state: TicketState) {
        if let Some(t) = self.ticket_mut(code) {
            t.state = state;
        }
    }

    /// Leaves a window serving nobody.
    fn clear_window(&mut self, window: WindowNo) {
        if let Some(w) = self.windows.get_mut(&window) {
            w.current = None;
        }
    }

    /// The tickets waiting in a category's queue.
    pub(super) fn waiting_in(&self, queue: CategoryId) -> impl Iterator<Item = &Ticket> {
        self.tickets
            .iter()
            .filter(move |t| t.queue == queue && t.state == TicketState::Waiting)
    }

    /// What a ticket already issued says now (for a reprint): the people still
    /// ahead of it and the wait for them.
    pub(super) fn slip(&self, t: &Ticket, reprint: bool) -> TicketSlip {
        let ahead = if t.state == TicketState::Waiting {
            self.waiting_in(t.queue)
                .filter(|o| o.code != t.code && (o.priority, -o.order) > (t.priority, -t.order))
                .count() as u32
        } else {
            0
        };
        let (zh, en) = self
            .catalog
            .category(t.code.category)
            .map(|c| (c.name_zh.clone(), c.name_en.clone()))
            .unwrap_or_default();
        TicketSlip {
            code: t.code,
            category: t.code.category,
            category_zh: zh,
            category_en: en,
            priority: t.priority,
            ahead,
            wait_minutes: self.estimate_minutes(t.queue, ahead),
            issued_at: t.issued_at,
            issued_local: self.local(t.issued_at),
            reprint,
            matter: t.matter.clone(),
            away: self.category_away(t.queue, self.high_water.unwrap_or(t.issued_at)),
        }
    }

    /// People a new ticket would have ahead of it: everyone waiting in the category
    /// for a normal ticket, the waiting priority tickets for a priority one. An
    /// estimate: later priority tickets may still pass a normal one.
    fn ahead_of_new(&self, queue: CategoryId, priority: bool) -> u32 {
        self.waiting_in(queue)
            .filter(|t| !priority || t.priority)
            .count() as u32
    }

    /// Mean recent service time of a category in seconds, or the default.
    fn mean_service_seconds(&self, category: CategoryId) -> u32 {
        match self.service.get(&category) {
            Some(s) if !s.is_empty() => {
                (s.iter().map(|&x| u64::from(x)).sum::<u64>() / s.len() as u64) as u32
            }
            _ => self.settings.default_service_minutes * 60,
        }
    }

    /// Estimated wait in whole minutes (rounded up) for someone with `ahead` people
    /// ahead: people ahead divided by open windows serving the category, times the
    /// rolling mean service time. `None` when no window serving it is open.
    pub(super) fn estimate_minutes(&self, category: CategoryId, ahead: u32) -> Option<u32> {
        let c = self.catalog.category(category)?;
        let open = c
            .windows
            .iter()
            .filter(|w| self.windows.get(w).is_some_and(|s| !s.paused))
            .count() as u64;
        if open == 0 {
            return None;
        }
        let seconds = u64::from(ahead) * u64::from(self.mean_service_seconds(category));
        Some(seconds.div_ceil(open * 60) as u32)
    }

    /// The ticket the policy calls next at a window.
    fn pick_next(&self, window: WindowNo) -> Option<&Ticket> {
        let served: Vec<CategoryId> = self.catalog.served_by(window).map(|c| c.id).collect();
        let eligible = || {
            self.tickets
                .iter()
                .filter(|t| t.state == TicketState::Waiting && served.contains(&t.queue))
        };
        let oldest = |priority: bool| {
            eligible()
                .filter(|t| t.priority == priority)
                .min_by_key(|t| (t.order, t.issued_at, t.code))
        };
        let (first_priority, first_normal) = (oldest(true), oldest(false));
        match self.settings.policy {
            Policy::Strict => first_priority.or(first_normal),
            Policy::Alternate { every } => {
                let streak = self.windows.get(&window).map_or(0, |w| w.priority_streak);
                if streak >= every.max(1) && first_normal.is_some() {
                    first_normal
                } else {
                    first_priority.or(first_normal)
                }
            }
        }
    }
}

impl Scratch {
    /// Decides a command about tickets or windows.
    pub(super) fn decide_queue(&mut self, command: &Command) -> Result<(), Rejection> {
        match *command {
            Command::Issue { category, priority } => self.issue(category, priority, None),
            Command::IssueFor {
                category,
                priority,
                ref matter,
            } => self.issue(category, priority, Some(matter.clone())),
            Command::CallNext { window } => self.call_next(window),
            Command::Recall { window } => {
                let ticket = self.current(window)?;
                let recalls = match self.station.ticket(ticket).map(|t| t.state) {
                    Some(TicketState::Called { recalls, .. }) => recalls,
                    _ => 0,
                };
                let limit = self.station.settings.recall_limit;
                if recalls >= limit {
                    return Err(Rejection::RecallLimit { ticket, limit });
                }
                self.record(Fact::TicketRecalled {
                    ticket,
                    window,
                    count: recalls + 1,
                });
                self.effect(Effect::Announce {
                    ticket,
                    window,
                    recall: true,
                });
                Ok(())
            }
            Command::Skip { window } => {
                let ticket = self.current(window)?;
                self.record(Fact::TicketSkipped { ticket, window });
                // The citizen did not come: no rating to wait for.
                Ok(())
            }
            Command::Complete { window } => {
                let ticket = self.current(window)?;
                self.complete(ticket, window, false);
                self.arm(ticket, window);
                Ok(())
            }
            Command::Transfer { window, to } => {
                let ticket = self.current(window)?;
                if self.station.catalog.category(to).is_none() {
                    return Err(Rejection::UnknownCategory(to, self.station.category_list()));
                }
                let Some(t) = self.station.ticket(ticket) else {
                    return Err(Rejection::UnknownTicket(ticket));
                };
                if t.queue == to {
                    return Err(Rejection::SameCategory {
                        ticket,
                        category: to,
                    });
                }
                let front = self.station.waiting_in(to).map(|w| w.order).min();
                let order = front.map_or(t.order, |f| t.order.min(f - 1));
                self.record(Fact::TicketTransferred {
                    ticket,
                    window,
                    to,
                    order,
                });
                Ok(())
            }
            Command::Requeue { ticket } => {
                let Some(t) = self.station.ticket(ticket) else {
                    return Err(Rejection::UnknownTicket(ticket));
                };
                if !matches!(t.state, TicketState::Skipped { .. }) {
                    return Err(Rejection::NotSkipped {
                        ticket,
                        state: t.state.name(),
                    });
                }
                let order = self.requeue_order(t.queue);
                self.record(Fact::TicketRequeued { ticket, order });
                Ok(())
            }
            Command::SetWindowOpen { window, open } => {
                let w = self.window(window)?;
                match (open, w.paused, w.current) {
                    (true, true, _) => self.record(Fact::WindowOpened { window }),
                    (false, false, Some(ticket)) => {
                        return Err(Rejection::WindowBusy { window, ticket });
                    }
                    (false, false, None) => self.record(Fact::WindowPaused { window, away: None }),
                    _ => {}
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Issues a ticket: the category must exist and be issuing (no
    /// evacuation, the day open, within its hours).
    fn issue(
        &mut self,
        category: CategoryId,
        priority: bool,
        matter: Option<MatterRef>,
    ) -> Result<(), Rejection> {
        let station = &self.station;
        let Some(c) = station.catalog.category(category) else {
            return Err(Rejection::UnknownCategory(
                category,
                station.category_list(),
            ));
        };
        if let Some(zone) = station.evacuating() {
            return Err(Rejection::Evacuation(zone.to_string()));
        }
        let ticketing = station.ticketing(c, self.now);
        if station.day_closed || !matches!(ticketing, Ticketing::Open { .. }) {
            let next_open = match ticketing {
                Ticketing::Closed { next_open, .. } => next_open.map(|t| station.local(t)),
                Ticketing::Open { .. } => None,
            };
            return Err(Rejection::TicketingClosed {
                category,
                next_open,
            });
        }
        let away = station.category_away(category, self.now);
        if away.is_some() && !station.settings.issue_when_away {
            return Err(Rejection::AllAway(category));
        }
        let number = station.counters.get(&category).copied().unwrap_or(0) + 1;
        let code = TicketCode { category, number };
        let ahead = station.ahead_of_new(category, priority);
        let wait_minutes = station.estimate_minutes(category, ahead);
        let slip = TicketSlip {
            code,
            category,
            category_zh: c.name_zh.clone(),
            category_en: c.name_en.clone(),
            priority,
            ahead,
            wait_minutes,
            issued_at: self.now,
            issued_local: station.local(self.now),
            reprint: false,
            matter: matter.clone(),
            away,
        };
        let order = station.next_order;
        self.record(Fact::TicketIssued {
            ticket: code,
            priority,
            order,
            ahead,
            wait_minutes,
            matter,
        });
        self.effect(Effect::ShowTicket(slip.clone()));
        self.effect(Effect::PrintTicket(slip));
        Ok(())
    }

    /// Calls the next ticket the policy picks to a window, after completing
    /// the one there and ending any rating time.
    fn call_next(&mut self, window: WindowNo) -> Result<(), Rejection> {
        self.require_member(window)?;
        // The rating time ran out just now and the call staff had made went
        // out with this very decision: this press is that call, not another.
        if self
            .decision
            .records
            .iter()
            .any(|r| matches!(r.fact, Fact::TicketCalled { window: w, .. } if w == window))
        {
            return Ok(());
        }
        let w = self.window(window)?;
        let (paused, current, armed) = (w.paused, w.current, w.armed);
        if paused {
            self.record(Fact::WindowOpened { window });
        }
        if self.station.settings.call_waits_for_rating {
            // The ticket there is completed and offered for rating first;
            // the call waits for the rating, or for its time to run out.
            if let Some(ticket) = current {
                self.complete(ticket, window, true);
                self.arm(ticket, window);
            }
            if let Some((ticket, until)) = self.window(window)?.armed {
                self.hold_call(window, ticket, until);
                return Ok(());
            }
        } else {
            // Calling the next citizen ends the last one's chance to rate.
            let member = self
                .station
                .windows
                .get(&window)
                .and_then(|w| w.armed_for.clone());
            if let Some((ticket, _)) = armed {
                self.record(Fact::TicketUnrated {
                    ticket,
                    window,
                    reason: UnratedReason::NextCall,
                    member,
                });
            }
            if let Some(ticket) = current {
                self.complete(ticket, window, true);
                self.record(Fact::TicketUnrated {
                    ticket,
                    window,
                    reason: UnratedReason::NextCall,
                    member: self.station.member_at(window),
                });
            }
        }
        self.call_now(window, current.is_some())
    }

    /// Calls the ticket the policy picks to a window now; with nobody
    /// waiting, staff are told when the window had just finished one
    /// (`finished`), refused otherwise.
    pub(super) fn call_now(&mut self, window: WindowNo, finished: bool) -> Result<(), Rejection> {
        match self.station.pick_next(window).map(|t| t.code) {
            Some(ticket) => {
                let member = self.station.member_at(window);
                self.record(Fact::TicketCalled {
                    ticket,
                    window,
                    member,
                });
                self.effect(Effect::Announce {
                    ticket,
                    window,
                    recall: false,
                });
                Ok(())
            }
            None if finished => {
                self.effect(Effect::Notify(Notice::QueueEmpty { window }));
                Ok(())
            }
            None => Err(Rejection::NothingWaiting(window)),
        }
    }

    /// Offers a completed ticket for rating for a while; a ticket is armed
    /// once at most. The rating names who served it.
    fn arm(&mut self, ticket: TicketCode, window: WindowNo) {
        if self.station.ratings.contains_key(&ticket) {
            return;
        }
        let seconds = i64::from(self.station.settings.rating_seconds);
        let until = self
            .now
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .unwrap_or(self.now);
        let member = self.station.member_at(window);
        self.record(Fact::RatingArmed {
            ticket,
            window,
            until,
            member,
        });
    }

    /// Completes a window's ticket, timing its service from the call.
    fn complete(&mut self, ticket: TicketCode, window: WindowNo, by_next_call: bool) {
        let since = match self.station.ticket(ticket).map(|t| t.state) {
            Some(TicketState::Called { at, .. }) => at,
            _ => self.now,
        };
        let service_seconds = self
            .now
            .duration_since(since)
            .as_secs()
            .clamp(0, i64::from(u32::MAX)) as u32;
        let member = self.station.member_at(window);
        self.record(Fact::TicketCompleted {
            ticket,
            window,
            service_seconds,
            by_next_call,
            member,
        });
    }

    /// Queue position for a re-queued ticket: behind the next `requeue_after`
    /// waiting tickets of its category, or at the back when fewer wait.
    fn requeue_order(&self, queue: CategoryId) -> i64 {
        let mut orders: Vec<i64> = self.station.waiting_in(queue).map(|t| t.order).collect();
        orders.sort_unstable();
        let n = self.station.settings.requeue_after as usize;
        if orders.len() <= n {
            return self.station.next_order;
        }
        let (before, after) = (
            if n == 0 { orders[0] - 2 } else { orders[n - 1] },
            orders[n],
        );
        before + (after - before) / 2
    }
}
