//! How much the store keeps: at most so many user records and so many logs and errors,
//! the oldest dropped first, so that a long-running sandbox does not grow without end.

use std::collections::BTreeMap;

use super::store::{Store, UserRecord};

/// The default bound on user records, live and deleted together: 10,000.
pub const DEFAULT_MAX_USERS: usize = 10_000;

/// The default bound on log entries (and, separately, on errors) of all users together:
/// 100,000.
pub const DEFAULT_MAX_LOGS: usize = 100_000;

/// The most the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    /// User records, live and deleted together (at least 1).
    pub(crate) users: usize,
    /// Logs of all users together, and errors of all users together.
    pub(crate) logs: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self {
            users: DEFAULT_MAX_USERS,
            logs: DEFAULT_MAX_LOGS,
        }
    }
}

impl Store {
    /// Drops user records until one more fits under `max`: the oldest deleted user first,
    /// then, when no deleted user is left, the oldest live user.
    pub(crate) fn make_room_for_user(&mut self, max: usize) {
        while self.users.len() + self.deleted.len() >= max.max(1) {
            let oldest = |records: &BTreeMap<String, UserRecord>| {
                records
                    .values()
                    .min_by_key(|record| record.seq)
                    .map(|record| record.user.user_id.clone())
            };
            if let Some(user_id) = oldest(&self.deleted) {
                self.deleted.remove(&user_id);
                self.usage.by_user.remove(&user_id);
            } else if let Some(user_id) = oldest(&self.users) {
                self.drop_live_user(&user_id);
            } else {
                break;
            }
        }
    }

    /// Removes a live user and everything that is theirs: workflows, credentials,
    /// installations, logs, errors and usage.
    fn drop_live_user(&mut self, user_id: &str) {
        let Some(record) = self.users.remove(user_id) else {
            return;
        };
        if let Some(username) = &record.user.username
            && self
                .usernames
                .get(username)
                .is_some_and(|owner| owner == user_id)
        {
            self.usernames.remove(username);
        }
        for credential in &record.credentials {
            self.credential_owners.remove(&credential.id);
        }
        for id in &record.installations {
            self.installations.remove(id);
        }
        self.usage.by_user.remove(user_id);
    }

    /// Drops the oldest logs, and separately the oldest errors, of all users (live and
    /// deleted) until at most `max` of each remain.
    ///
    /// The oldest entry is the first one of the user whose first entry ran earliest (an
    /// entry without a time counts as the oldest); each user's entries are kept in the order
    /// they were added.
    pub(crate) fn bound_logs(&mut self, max: usize) {
        let count = |store: &Store, of: fn(&UserRecord) -> usize| -> usize {
            store
                .users
                .values()
                .chain(store.deleted.values())
                .map(of)
                .sum()
        };
        let mut excess = count(self, |record| record.logs.len()).saturating_sub(max);
        while excess > 0 {
            let Some(record) = self
                .users
                .values_mut()
                .chain(self.deleted.values_mut())
                .filter(|record| !record.logs.is_empty())
                .min_by_key(|record| (record.logs[0].executed_at, record.seq))
            else {
                break;
            };
            let log = record.logs.remove(0);
            record.inputs.remove(&log.log_id);
            record.runs.remove(&log.log_id);
            excess -= 1;
        }
        let mut excess = count(self, |record| record.errors.len()).saturating_sub(max);
        while excess > 0 {
            let Some(record) = self
                .users
                .values_mut()
                .chain(self.deleted.values_mut())
                .filter(|record| !record.errors.is_empty())
                .min_by_key(|record| (record.errors[0].occurred_at, record.seq))
            else {
                break;
            };
            record.errors.remove(0);
            excess -= 1;
        }
    }
}
