//! Stable codes: how a closed value list (a case state, a determination status, an axis...) is written as
//! text, in the database and in the API. Each list keeps its own `code()` and `parse()`; this module gives
//! them the two conversions a store needs, so that a stored value that is not in the list is an error
//! where it is read, never a string that travels on.

use std::fmt;

/// A stored or received text that is not a code of the expected list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// The list (for example `case state`).
    pub list: &'static str,
    /// The text found.
    pub code: String,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} code {:?}", self.list, self.code)
    }
}

impl std::error::Error for UnknownCode {}

/// `TryFrom<String>` (reading a stored code) and `From<T> for String` (writing it) from the list's own
/// `parse` and `code`.
macro_rules! stored_code {
    ($type:ty, $list:literal) => {
        impl TryFrom<String> for $type {
            type Error = $crate::codes::UnknownCode;

            fn try_from(code: String) -> Result<Self, Self::Error> {
                <$type>::parse(&code).ok_or($crate::codes::UnknownCode { list: $list, code })
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> String {
                value.code().to_owned()
            }
        }
    };
}

stored_code!(crate::case::CaseState, "case state");
stored_code!(crate::determination::Status, "determination status");
stored_code!(crate::regime::Axis, "axis");
stored_code!(crate::operator::AttendanceStatus, "attendance status");
stored_code!(crate::operator::EnrolmentStatus, "enrolment status");
stored_code!(crate::events::EventKind, "event kind");
stored_code!(crate::attestation::AttestationStatus, "attestation status");
stored_code!(crate::attestation::AttestationKind, "attestation kind");
stored_code!(crate::reminders::ReminderKind, "reminder kind");
stored_code!(crate::reminders::ReminderStatus, "reminder status");
stored_code!(crate::non_compliance::BreachKind, "breach kind");
stored_code!(crate::non_compliance::NonComplianceStatus, "non-compliance status");
stored_code!(crate::sanction::ProcedureState, "sanction procedure state");
stored_code!(crate::webhooks::SignatureScheme, "webhook signature scheme");
stored_code!(crate::webhooks::SubscriptionStatus, "webhook subscription status");
stored_code!(crate::webhooks::DeliveryStatus, "webhook delivery status");

#[cfg(test)]
mod tests {
    use crate::case::CaseState;
    use crate::regime::Axis;

    #[test]
    fn a_code_round_trips_and_an_unknown_one_names_its_list() {
        assert_eq!(CaseState::try_from(String::from(CaseState::InProgress)), Ok(CaseState::InProgress));
        let error = Axis::try_from("cooking".to_owned()).expect_err("not an axis");
        assert_eq!(error.to_string(), "unknown axis code \"cooking\"");
    }
}
