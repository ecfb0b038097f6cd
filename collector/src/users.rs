//! The dashboard's users: district staff with a role, their passwords as
//! Argon2id hashes in PostgreSQL, and a lock after repeated wrong ones.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use tokio_postgres::Client;

use crate::Error;

/// What a user may do on the dashboard.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// Sees every page and export.
    Viewer,
    /// Also reviews the chain reports (edited journals, restored stations).
    Supervisor,
}

impl Role {
    pub fn word(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(word: &str) -> Option<Role> {
        match word {
            "viewer" => Some(Role::Viewer),
            "supervisor" => Some(Role::Supervisor),
            _ => None,
        }
    }
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD: usize = 10;

/// Adds a user or replaces their role and password.
pub async fn add(pg: &Client, name: &str, role: Role, password: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
        return Err(Error::Refused(
            "a user name is 1–64 characters without spaces".into(),
        ));
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::Refused(format!(
            "the password must have at least {MIN_PASSWORD} characters"
        )));
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| Error::Refused(format!("the password cannot be hashed: {e}")))?
        .to_string();
    pg.execute(
        "INSERT INTO users (name, role, hash) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET role = $2, hash = $3",
        &[&name, &role.word(), &hash],
    )
    .await?;
    Ok(())
}

/// Wrong passwords in a row before a name is locked, and for how long.
pub const LOCK_AFTER: u32 = 5;
pub const LOCK_FOR: Duration = Duration::from_secs(15 * 60);

/// Why a sign-in failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Refused {
    Wrong,
    Locked { minutes: u64 },
}

/// Counts wrong passwords per name.
#[derive(Default)]
pub struct Guard {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Guard {
    /// Checks a name and password; the role, or why not.
    pub async fn check(
        &self,
        pg: &Client,
        name: &str,
        password: &str,
    ) -> Result<Result<Role, Refused>, Error> {
        if let Some(minutes) = self.locked(name) {
            return Ok(Err(Refused::Locked { minutes }));
        }
        let row = pg
            .query_opt("SELECT role, hash FROM users WHERE name = $1", &[&name])
            .await?;
        let verdict = row.and_then(|r| {
            let role: String = r.get(0);
            let hash: String = r.get(1);
            let parsed = PasswordHash::new(&hash).ok()?;
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .ok()?;
            Role::parse(&role)
        });
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match verdict {
            Some(role) => {
                failures.remove(name);
                Ok(Ok(role))
            }
            None => {
                let entry = failures
                    .entry(name.to_string())
                    .or_insert((0, Instant::now()));
                entry.0 += 1;
                entry.1 = Instant::now();
                if entry.0 >= LOCK_AFTER {
                    Ok(Err(Refused::Locked {
                        minutes: LOCK_FOR.as_secs() / 60,
                    }))
                } else {
                    Ok(Err(Refused::Wrong))
                }
            }
        }
    }

    fn locked(&self, name: &str) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, last) = *failures.get(name)?;
        let since = last.elapsed();
        if count >= LOCK_AFTER && since < LOCK_FOR {
            Some((LOCK_FOR - since).as_secs().div_ceil(60))
        } else {
            if since >= LOCK_FOR {
                failures.remove(name);
            }
            None
        }
    }
}
