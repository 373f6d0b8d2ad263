//! Reminders before a legal deadline (issue: prevent sanctions rather than produce them): before the
//! presentation deadline (CWASS art. 152/7 §1, rule 4.2) and before the completion deadline (art. 152/7
//! §2, rule 4.3), an obliged person who has not yet done what the deadline asks is reminded, by a letter the
//! CRI prints or sends. How long before is a dated parameter (`reminder_days_before_presentation`,
//! `reminder_days_before_completion`): the law sets no reminder, the CRIs' practice does.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::{CaseEvent, CaseState};
use crate::events::EventKind;

/// Which deadline a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Present at the CRI's welcome office (rule 4.2).
    Presentation,
    /// Complete the pathway (rule 4.3).
    Completion,
}

impl ReminderKind {
    /// Both kinds.
    pub const ALL: [ReminderKind; 2] = [ReminderKind::Presentation, ReminderKind::Completion];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::Presentation => "presentation",
            ReminderKind::Completion => "completion",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Legal basis of the deadline.
    pub fn basis(self) -> &'static str {
        match self {
            ReminderKind::Presentation => "CWASS art. 152/7 §1; rule 4.2",
            ReminderKind::Completion => "CWASS art. 152/7 §2; rule 4.3",
        }
    }
}

/// Where a reminder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderStatus {
    /// To send.
    Due,
    /// Sent (or handed over) on the recorded date.
    Sent,
    /// Came back: the address the commune reported is unknown there.
    Bounced,
}

impl ReminderStatus {
    /// Every status.
    pub const ALL: [ReminderStatus; 3] = [ReminderStatus::Due, ReminderStatus::Sent, ReminderStatus::Bounced];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReminderStatus::Due => "due",
            ReminderStatus::Sent => "sent",
            ReminderStatus::Bounced => "bounced",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ReminderStatus> {
        ReminderStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// How a reminder went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderChannel {
    /// By post, to the address the commune reported.
    Post,
    /// By e-mail, to the address the commune reported.
    Email,
    /// Handed over at the office.
    HandDelivered,
}

impl ReminderChannel {
    /// Every channel.
    pub const ALL: [ReminderChannel; 3] =
        [ReminderChannel::Post, ReminderChannel::Email, ReminderChannel::HandDelivered];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReminderChannel::Post => "post",
            ReminderChannel::Email => "email",
            ReminderChannel::HandDelivered => "hand_delivered",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ReminderChannel> {
        ReminderChannel::ALL.into_iter().find(|channel| channel.code() == code)
    }
}

/// Why a dispatch cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchRefusal {
    /// The reminder was already recorded as sent or bounced.
    AlreadyDispatched(ReminderStatus),
    /// A reminder goes out as sent or comes back as bounced: `due` is not an outcome.
    NotAnOutcome,
    /// The date lies in the future, or before the reminder was due.
    DateOutOfRange,
}

/// Whether a reminder in `current` status may be recorded as `outcome` on `date`.
pub fn may_dispatch(
    current: ReminderStatus,
    outcome: ReminderStatus,
    date: NaiveDate,
    due_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), DispatchRefusal> {
    if current != ReminderStatus::Due {
        return Err(DispatchRefusal::AlreadyDispatched(current));
    }
    if outcome == ReminderStatus::Due {
        return Err(DispatchRefusal::NotAnOutcome);
    }
    if date > today || date < due_on {
        return Err(DispatchRefusal::DateOutOfRange);
    }
    Ok(())
}

/// The case step recording a dispatch.
pub fn reminder_dispatched_step(kind: ReminderKind, outcome: ReminderStatus, date: NaiveDate) -> CaseEvent {
    let event = EventKind::ReminderDispatched;
    CaseEvent {
        kind: event,
        reason: event.description(),
        basis: kind.basis(),
        summary: format!("{} reminder {} on {date}", kind.code(), outcome.code()),
        document: None,
    }
}

/// What the rules need to know of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseStanding {
    /// Obliged (a voluntary participant is never reminded of a deadline: there is none).
    pub obliged: bool,
    /// State.
    pub state: CaseState,
    /// Presentation deadline.
    pub present_by: Option<NaiveDate>,
    /// Completion deadline (extensions and suspensions included).
    pub complete_by: Option<NaiveDate>,
}

/// The deadline a reminder of `kind` is due for on `today`, if one is: the person is obliged and has not
/// done what the deadline asks (not presented: the case is still `opened`; not completed: the case is
/// open), and the deadline falls from today to `days_before` days ahead.
pub fn reminder_due(kind: ReminderKind, case: CaseStanding, today: NaiveDate, days_before: u32) -> Option<NaiveDate> {
    if !case.obliged {
        return None;
    }
    let (pending, deadline) = match kind {
        ReminderKind::Presentation => (case.state == CaseState::Opened, case.present_by),
        ReminderKind::Completion => (case.state.is_open(), case.complete_by),
    };
    let deadline = deadline.filter(|_| pending)?;
    let window_opens = deadline - Duration::days(i64::from(days_before));
    (window_opens <= today && today <= deadline).then_some(deadline)
}

/// The case step recording that a reminder is due (codes and dates only).
pub fn reminder_due_step(kind: ReminderKind, deadline: NaiveDate) -> CaseEvent {
    let event = EventKind::ReminderDue;
    CaseEvent {
        kind: event,
        reason: event.description(),
        basis: kind.basis(),
        summary: format!("{} reminder, deadline {deadline}", kind.code()),
        document: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn opened() -> CaseStanding {
        CaseStanding {
            obliged: true,
            state: CaseState::Opened,
            present_by: Some(d(2027, 3, 1)),
            complete_by: Some(d(2029, 12, 15)),
        }
    }

    #[test]
    fn a_presentation_reminder_is_due_in_the_window_before_the_deadline_only() {
        let due = |today| reminder_due(ReminderKind::Presentation, opened(), today, 30);
        assert_eq!(due(d(2027, 1, 29)), None, "31 days before");
        assert_eq!(due(d(2027, 1, 30)), Some(d(2027, 3, 1)), "30 days before");
        assert_eq!(due(d(2027, 3, 1)), Some(d(2027, 3, 1)), "on the day");
        assert_eq!(due(d(2027, 3, 2)), None, "after it: a missed deadline, not a reminder");
    }

    #[test]
    fn a_reminder_is_dispatched_once_on_a_date_between_its_due_day_and_today() {
        use ReminderStatus::*;
        let (due_on, today) = (d(2027, 1, 30), d(2027, 2, 3));
        assert_eq!(may_dispatch(Due, Sent, d(2027, 2, 1), due_on, today), Ok(()));
        assert_eq!(
            may_dispatch(Sent, Bounced, d(2027, 2, 1), due_on, today),
            Err(DispatchRefusal::AlreadyDispatched(Sent))
        );
        assert_eq!(may_dispatch(Due, Due, d(2027, 2, 1), due_on, today), Err(DispatchRefusal::NotAnOutcome));
        assert_eq!(may_dispatch(Due, Sent, d(2027, 2, 4), due_on, today), Err(DispatchRefusal::DateOutOfRange));
        assert_eq!(may_dispatch(Due, Sent, d(2027, 1, 29), due_on, today), Err(DispatchRefusal::DateOutOfRange));
    }

    #[test]
    fn no_reminder_once_presented_nor_for_a_volunteer_nor_after_the_case_closed() {
        let presented = CaseStanding { state: CaseState::WelcomeInProgress, ..opened() };
        assert_eq!(reminder_due(ReminderKind::Presentation, presented, d(2027, 2, 20), 30), None);
        assert_eq!(reminder_due(ReminderKind::Completion, presented, d(2029, 12, 1), 30), Some(d(2029, 12, 15)));
        let voluntary = CaseStanding { obliged: false, ..opened() };
        assert_eq!(reminder_due(ReminderKind::Presentation, voluntary, d(2027, 2, 20), 30), None);
        let met = CaseStanding { state: CaseState::RequirementsMet, ..opened() };
        assert_eq!(reminder_due(ReminderKind::Completion, met, d(2029, 12, 1), 30), None);
    }
}
