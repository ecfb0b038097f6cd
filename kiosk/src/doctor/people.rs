//! The windows' posts against the staff list: a post naming a number the
//! list lacks (or a member disabled) is a window nobody can sign on at as
//! planned.

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
