//! The windows' posts and the duty roster against the staff list: a post
//! naming a number the list lacks (or a member disabled) is a window nobody
//! can sign on at as planned; a roster day naming one is a night nobody
//! answers the phone.

use std::path::Path;

use super::Check;
use crate::config::Config;

/// Each window's posts (`kiosk.toml`) against the staff list in the
/// database.
pub fn posts(config: &Config, db: &Path) -> Check {
    let named: Vec<(String, &str, &str)> = config
        .settings
        .posts
        .iter()
        .flat_map(|(window, posts)| {
            posts
                .named()
                .map(move |(post, member)| (window.to_string(), post.word(), member))
        })
        .collect();
    if named.is_empty() {
        return Check::ok(
            "posts",
            "kiosk.toml names no posts: any staff member may sign on at any window",
        );
    }
    if !db.exists() {
        return Check::skip("posts", "no database yet: the staff list is empty");
    }
    let staff = match crate::store::open_read_only(db, &config.store)
        .and_then(|conn| crate::store::read_staff(&conn, db))
    {
        Ok(staff) => staff,
        Err(e) => return Check::skip("posts", format!("cannot read the staff list: {e}")),
    };
    let mut problems = Vec::new();
    for (window, post, member) in &named {
        match staff.iter().find(|s| s.id == *member) {
            None => problems.push(format!(
                "window {window}'s {post} post names {member}, who is not on the staff list"
            )),
            Some(s) if s.disabled => problems.push(format!(
                "window {window}'s {post} post names {member} ({}), who is disabled",
                s.name
            )),
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Check::ok(
            "posts",
            format!("{} posts, every member on the staff list", named.len()),
        )
    } else {
        Check::warn(
            "posts",
            problems.join("; "),
            "add the member (`kiosk staff add NUMBER --name NAME --role staff`) or correct the [[window]] posts in kiosk.toml",
        )
    }
}

/// The duty roster for the coming week (from the station's time) against
/// the staff list: a day naming a member no longer on it, or disabled, and
/// the days nobody is on duty once a roster is kept.
pub fn roster(config: &Config, db: &Path, clock: jiff::Timestamp) -> Check {
    if !db.exists() {
        return Check::skip("roster", "no database yet: no roster");
    }
    let read = crate::store::open_read_only(db, &config.store).and_then(|conn| {
        let now = crate::store::station_time(&conn, clock)?;
        let today = config.settings.time_zone.to_datetime(now).date();
        let week = today.saturating_add(jiff::Span::new().days(6));
        Ok((
            today,
            crate::store::attendance::roster(&conn, today, week)?,
            crate::store::read_staff(&conn, db)?,
        ))
    });
    let (today, roster, staff) = match read {
        Ok(r) => r,
        Err(e) => return Check::skip("roster", format!("cannot read the roster: {e}")),
    };
    if roster.is_empty() {
        return Check::ok(
            "roster",
            "no duty roster for the coming week: the closed screen shows station.duty_phone",
        );
    }
    let mut problems = Vec::new();
    for (day, duty) in &roster {
        let people = std::iter::once(("on duty", &duty.member))
            .chain(duty.leader.iter().map(|l| ("leading", l)));
        for (role, who) in people {
            match staff.iter().find(|s| s.id == who.number) {
                None => problems.push(format!(
                    "{day}: {} ({}) {role} is not on the staff list",
                    who.number, who.name
                )),
                Some(s) if s.disabled => problems.push(format!(
                    "{day}: {} ({}) {role} is disabled",
                    who.number, s.name
                )),
                Some(_) => {}
            }
        }
    }
    let gaps: Vec<String> = (0..7)
        .map(|i| today.saturating_add(jiff::Span::new().days(i)))
        .filter(|d| !roster.contains_key(d))
        .map(|d| d.to_string())
        .collect();
    if !gaps.is_empty() {
        problems.push(format!("nobody on duty on {}", gaps.join(", ")));
    }
    if problems.is_empty() {
        Check::ok("roster", "every day of the coming week has its duty")
    } else {
        Check::warn(
            "roster",
            problems.join("; "),
            "set those days on the console's 考勤 page (值班表) — the regulations want every day covered",
        )
    }
}
