//! The answers of the last `check --external`, with the time each was asked: a second
//! run within `--max-age` takes them from here instead of asking again (a newsroom's CI
//! runs the check on every pull request; the web need not be asked each time).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::probe::Answer;

/// Each link's last answer, by address, with when it was asked (seconds since 1970).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Answers {
    /// By address.
    pub links: HashMap<String, (u64, Answer)>,
}

impl Answers {
    /// The answer for `url` if it was asked at most `max_age` seconds before `now`, and
    /// would be the same if asked again (a timeout or a 503 may pass: asked again).
    pub fn recent(&self, url: &str, now: u64, max_age: u64) -> Option<&Answer> {
        let (when, answer) = self.links.get(url)?;
        if matches!(answer, Answer::Dead { lasting: false, .. }) {
            return None;
        }
        (max_age > 0 && now.saturating_sub(*when) <= max_age && *when <= now).then_some(answer)
    }
}

/// Seconds since 1970, now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
