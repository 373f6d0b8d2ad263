//! The `outbox_events` table: the event feed, written in the same transaction as each case step, in
//! commit order, with the typed payloads of the event catalogue.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::case::{CaseEvent, CaseState};
use parcours_domain::events::{CommuneEventPayload, CriEventPayload, EventKind};

use crate::audit::Actor;
use crate::case_events::CaseEventRecord;
use crate::schema::{case_events, outbox_events};
use crate::{DbConnection, StoreError, new_id};

/// One event of the feed, as readers see it (with its position).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outbox_events)]
pub struct OutboxRecord {
    /// Id.
    pub id: String,
    /// Position in commit order: the cursor. Readers only ever see positioned events (`seq > after`).
    #[diesel(select_expression = outbox_events::seq.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<outbox_events::seq>)]
    pub seq: i64,
    /// Case.
    pub case_id: String,
    /// When.
    pub occurred_at: NaiveDateTime,
    /// Type as the CRI sees it.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub event_type: EventKind,
    /// CRI entitled.
    pub cri_code: String,
    /// Commune entitled, if any.
    pub commune_nis: Option<String>,
    /// What the CRI receives (JSON).
    pub cri_payload: String,
    /// What the commune receives (JSON), if anything.
    pub commune_payload: Option<String>,
    /// CPAS entitled, if any.
    pub cpas_nis: Option<String>,
    /// What the CPAS receives (JSON), if anything.
    pub cpas_payload: Option<String>,
}

/// One event as written: without a position on PostgreSQL (it takes one at commit time).
#[derive(Debug, Clone, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = outbox_events)]
struct NewOutboxEvent {
    id: String,
    seq: Option<i64>,
    case_id: String,
    occurred_at: NaiveDateTime,
    #[diesel(serialize_as = String)]
    event_type: EventKind,
    cri_code: String,
    commune_nis: Option<String>,
    cri_payload: String,
    commune_payload: Option<String>,
    cpas_nis: Option<String>,
    cpas_payload: Option<String>,
}

/// The case a step is about, as the timeline and the feed record it (the `cases` module builds it from
/// its row, so that this module does not depend on that one).
#[derive(Debug, Clone, Copy)]
pub struct StepSubject<'a> {
    /// Case id.
    pub id: &'a str,
    /// Case reference.
    pub reference: &'a str,
    /// State after the steps.
    pub state: CaseState,
    /// CRI in charge after the steps (it receives the feed events).
    pub cri_code: &'a str,
    /// Commune of domicile (it may receive a notice).
    pub commune_nis: &'a str,
    /// CPAS of the person, when recorded (it may receive a notice).
    pub cpas_nis: Option<&'a str>,
    /// The person (its id goes into a commune notice).
    pub person_id: &'a str,
}

/// Records steps in the timeline and the feed. Feed positions (`seq`) must follow commit order so that a
/// reader paging with `after=<seq>` never skips an event. On PostgreSQL the events are written without a
/// position and take theirs just before their transaction commits, under a short lock
/// ([`crate::connection::position_feed_events`]): writers wait on each other only for that instant, not for
/// their whole transaction. On SQLite the transaction holds the single write lock from its first statement
/// (`BEGIN IMMEDIATE`), so the next position is read here. No clock is involved, so replicas with skewed
/// clocks cannot reorder the feed.
pub fn record_steps(
    conn: &mut DbConnection,
    case: StepSubject<'_>,
    holder_cri: &str,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    if steps.is_empty() {
        return Ok(());
    }
    let mut next_position = match conn {
        DbConnection::Sqlite(_) => Some(
            outbox_events::table.select(diesel::dsl::max(outbox_events::seq)).first::<Option<i64>>(conn)?.unwrap_or(0)
                + 1,
        ),
        DbConnection::Postgresql(_) => None,
    };
    for step in steps {
        let seq = next_position;
        next_position = next_position.map(|next| next + 1);
        let record = CaseEventRecord {
            id: new_id(),
            case_id: case.id.to_owned(),
            occurred_at: now,
            kind: step.kind,
            cri_code: holder_cri.to_owned(),
            actor_subject: actor.subject.clone(),
            actor_organisation: actor.organisation.clone(),
            request_id: actor.request_id.clone(),
            basis: step.basis.to_owned(),
            reason_fr: step.reason.fr.to_owned(),
            reason_en: step.reason.en.to_owned(),
            summary: step.summary.clone(),
        };
        diesel::insert_into(case_events::table).values(record).execute(conn)?;
        let occurred_at = now.and_utc();
        let notice = step.kind.commune_notice();
        let encode = |payload: Result<String, serde_json::Error>| {
            payload.map_err(|e| StoreError::Corrupt(format!("feed payload cannot be encoded: {e}")))
        };
        let cri_payload = encode(serde_json::to_string(&CriEventPayload {
            case_id: case.id.to_owned(),
            case_reference: case.reference.to_owned(),
            event_type: step.kind,
            state: case.state,
            summary: step.summary.clone(),
            occurred_at,
        }))?;
        let notice_payload = |event_type| {
            encode(serde_json::to_string(&CommuneEventPayload {
                case_reference: case.reference.to_owned(),
                person_id: case.person_id.to_owned(),
                event_type,
                occurred_at,
                attestation_serial: step.document.clone(),
            }))
        };
        let commune_payload = notice.map(notice_payload).transpose()?;
        // The CPAS hears only what rules 4.7 and 5.2 give it, and only when the CRI recorded it.
        let cpas = case.cpas_nis.zip(step.kind.cpas_notice());
        let cpas_payload = cpas.map(|(_, notice)| notice_payload(notice)).transpose()?;
        let feed = NewOutboxEvent {
            id: new_id(),
            seq,
            case_id: case.id.to_owned(),
            occurred_at: now,
            event_type: step.kind,
            // A transfer is news for both CRIs: the new one (now in charge) gets the feed event.
            cri_code: case.cri_code.to_owned(),
            commune_nis: notice.map(|_| case.commune_nis.to_owned()),
            cri_payload,
            commune_payload,
            cpas_nis: cpas.map(|(nis, _)| nis.to_owned()),
            cpas_payload,
        };
        diesel::insert_into(outbox_events::table).values(feed).execute(conn)?;
    }
    Ok(())
}

/// Who reads the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedReader {
    /// A CRI: the events of the cases it holds (at the time of the event).
    Cri(String),
    /// A commune: the notices about its residents.
    Commune(String),
    /// A CPAS: the notices about its beneficiaries, as the CRI recorded them.
    Cpas(String),
    /// The Region's sanctioning officials: the steps of the sanction procedures (audience `sanctions`).
    Sanctions,
}

impl FeedReader {
    /// Stable code (a webhook subscription's `organisation`): `cri:CRIPEL`, `commune:62063`, `cpas:62063`,
    /// `sanctions`.
    pub fn code(&self) -> String {
        match self {
            FeedReader::Cri(cri) => format!("cri:{cri}"),
            FeedReader::Commune(nis) => format!("commune:{nis}"),
            FeedReader::Cpas(nis) => format!("cpas:{nis}"),
            FeedReader::Sanctions => "sanctions".to_owned(),
        }
    }

    /// From its code.
    pub fn parse(code: &str) -> Option<FeedReader> {
        match code.split_once(':') {
            Some(("cri", cri)) => Some(FeedReader::Cri(cri.to_owned())),
            Some(("commune", nis)) => Some(FeedReader::Commune(nis.to_owned())),
            Some(("cpas", nis)) => Some(FeedReader::Cpas(nis.to_owned())),
            None if code == "sanctions" => Some(FeedReader::Sanctions),
            _ => None,
        }
    }

    /// Whom the reader's events are written for.
    pub fn audience(&self) -> parcours_domain::events::Audience {
        use parcours_domain::events::Audience;
        match self {
            FeedReader::Cri(_) => Audience::Cri,
            FeedReader::Commune(_) => Audience::Commune,
            FeedReader::Cpas(_) => Audience::Cpas,
            FeedReader::Sanctions => Audience::Sanctions,
        }
    }
}

/// Events by id (the delivery job, for the deliveries it sends).
pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<OutboxRecord>, StoreError> {
    Ok(outbox_events::table.filter(outbox_events::id.eq_any(ids)).select(OutboxRecord::as_select()).load(conn)?)
}

/// Feed events after position `after`, oldest first. A page that shows events is audited as one read,
/// with the persons of its cases as subjects (their access report lists it); an empty poll read nobody's
/// data and writes nothing.
pub fn feed(
    conn: &mut DbConnection,
    reader: &FeedReader,
    after: Option<i64>,
    limit: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<OutboxRecord>, StoreError> {
    let rows = page(conn, reader, after, limit)?;
    if rows.is_empty() {
        return Ok(rows);
    }
    let case_ids: Vec<&str> = rows.iter().map(|row| row.case_id.as_str()).collect();
    let shown: Vec<String> = crate::schema::cases::table
        .filter(crate::schema::cases::id.eq_any(&case_ids))
        .select(crate::schema::cases::person_id)
        .load(conn)?;
    let detail = format!("count={} from={} to={}", rows.len(), rows[0].seq, rows[rows.len() - 1].seq);
    crate::write_transaction(conn, |conn| {
        crate::audit::append_showing(conn, actor, "read_events", "event", None, Some(detail), &shown, now)
    })?;
    Ok(rows)
}

/// A reader's feed after `after`, without an audit row: for a caller that audits what it discloses itself
/// (the webhook deliveries, which audit what they queue).
pub(crate) fn page(
    conn: &mut DbConnection,
    reader: &FeedReader,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxRecord>, StoreError> {
    let mut query = outbox_events::table
        .select(OutboxRecord::as_select())
        .order(outbox_events::seq.asc())
        .limit(limit)
        .into_boxed();
    query = match reader {
        FeedReader::Cri(cri) => query.filter(outbox_events::cri_code.eq(cri.clone())),
        FeedReader::Commune(nis) => query
            .filter(outbox_events::commune_nis.eq(nis.clone()))
            .filter(outbox_events::commune_payload.is_not_null()),
        FeedReader::Cpas(nis) => {
            query.filter(outbox_events::cpas_nis.eq(nis.clone())).filter(outbox_events::cpas_payload.is_not_null())
        }
        FeedReader::Sanctions => {
            let kinds: Vec<&str> = EventKind::ALL
                .iter()
                .filter(|kind| kind.audiences().contains(&parcours_domain::events::Audience::Sanctions))
                .map(|kind| kind.code())
                .collect();
            query.filter(outbox_events::event_type.eq_any(kinds))
        }
    };
    if let Some(after) = after {
        query = query.filter(outbox_events::seq.gt(after));
    }
    Ok(query.load(conn)?)
}

/// The feed's last position and the events committed but not yet positioned (`/metrics`).
pub fn backlog(conn: &mut DbConnection) -> Result<(i64, i64), StoreError> {
    let head =
        outbox_events::table.select(diesel::dsl::max(outbox_events::seq)).first::<Option<i64>>(conn)?.unwrap_or(0);
    let unpositioned = outbox_events::table.filter(outbox_events::seq.is_null()).count().get_result::<i64>(conn)?;
    Ok((head, unpositioned))
}
