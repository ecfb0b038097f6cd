//! The announcement queue's rules, with no clock and no sound: a newer call
//! for a window replaces one of that window still waiting, and goes before
//! every other waiting announcement, so the newest call waits for at most the
//! one being played; a screen read aloud replaces one still waiting and goes
//! last.

use std::collections::VecDeque;

use crate::domain::Announcement;

/// An announcement waiting or playing, with its number and the language of
/// the screen that asked (a screen read aloud in English uses the English
/// set).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Item {
    pub id: u64,
    pub announcement: Announcement,
    pub english: bool,
}

impl Item {
    fn is_call_at(&self, window: Option<crate::domain::WindowNo>) -> bool {
        window.is_some() && self.announcement.window() == window
    }
}

#[derive(Default)]
pub struct Queue {
    next: u64,
    waiting: VecDeque<Item>,
}

impl Queue {
    /// Numbers from `first` on (announcements keep their numbers across
    /// restarts in the WAV folder's numbering, not here).
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues an announcement; returns it and those it replaced.
    pub fn push(&mut self, announcement: Announcement, english: bool) -> (Item, Vec<Item>) {
        self.next += 1;
        let item = Item {
            id: self.next,
            announcement,
            english,
        };
        let window = item.announcement.window();
        let reading = matches!(item.announcement, Announcement::Read(_));
        let (replaced, kept): (Vec<Item>, Vec<Item>) = self.waiting.drain(..).partition(|w| {
            w.is_call_at(window) || (reading && matches!(w.announcement, Announcement::Read(_)))
        });
        self.waiting = kept.into();
        if reading {
            self.waiting.push_back(item.clone());
        } else {
            self.waiting.push_front(item.clone());
        }
        (item, replaced)
    }

    /// The next announcement to play.
    pub fn pop(&mut self) -> Option<Item> {
        self.waiting.pop_front()
    }

    /// Takes a waiting announcement out.
    pub fn remove(&mut self, id: u64) -> Option<Item> {
        let at = self.waiting.iter().position(|i| i.id == id)?;
        self.waiting.remove(at)
    }

    /// Takes every waiting announcement out.
    pub fn clear(&mut self) -> Vec<Item> {
        self.waiting.drain(..).collect()
    }

    pub fn waiting(&self) -> impl Iterator<Item = &Item> {
        self.waiting.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Reading, TicketCode, WindowNo};

    fn call(ticket: &str, window: u8) -> Announcement {
        Announcement::Call {
            ticket: ticket.parse::<TicketCode>().unwrap(),
            window: WindowNo::new(window).unwrap(),
            recall: false,
        }
    }

    fn ids(q: &Queue) -> Vec<u64> {
        q.waiting().map(|i| i.id).collect()
    }

    #[test]
    fn the_newest_call_goes_first_and_replaces_its_window_s_older_one() {
        let mut q = Queue::new();
        let (a, _) = q.push(call("A001", 1), false);
        let (b, _) = q.push(call("B001", 2), false);
        let (read, _) = q.push(Announcement::Read(Reading::Home), false);
        assert_eq!(ids(&q), [b.id, a.id, read.id]);
        // Window 1 calls again before its first call was played.
        let (c, replaced) = q.push(call("A002", 1), false);
        assert_eq!(replaced, [a]);
        assert_eq!(ids(&q), [c.id, b.id, read.id]);
        // A second reading replaces the first, still last.
        let (read2, replaced) = q.push(Announcement::Read(Reading::Priority), true);
        assert_eq!(replaced, [read]);
        assert_eq!(ids(&q), [c.id, b.id, read2.id]);
        assert_eq!(q.pop().map(|i| i.id), Some(c.id));
        assert_eq!(q.remove(read2.id).map(|i| i.english), Some(true));
        assert_eq!(q.clear().len(), 1);
        assert_eq!(q.pop(), None);
    }
}
