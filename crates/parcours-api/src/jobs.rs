//! Background work: the kinds of job, how often each runs, and the runner that `parcours worker` (a
//! dedicated process) and `parcours serve` (in-process, unless `PARCOURS_JOBS=off`) both use.
//!
//! Each job is claimed through a lease in the `jobs` table ([`parcours_store::jobs`]), so any number of
//! replicas can run the runner and each due job runs once. The work of every job is itself idempotent
//! (guarded updates), so a run repeated after a crash changes nothing twice. Later issues add their kinds
//! here.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::problem::ApiError;
use crate::state::AppState;

/// A kind of background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Records, once, each presentation or completion deadline that passed (rule 4.7: the commune and
    /// the CRI are told).
    DeadlineSweep,
    /// Deletes stored idempotent responses older than the retention parameter.
    IdempotencyExpiry,
    /// Lists, for each new parameter value of the Region, the open cases whose status, regime, deadlines
    /// or hours it would change, for their CRI to review (determinations already communicated stay as
    /// they were).
    ParameterReview,
    /// Records the reminders due before a presentation or completion deadline, for the CRI to send.
    Reminders,
    /// Records, once, each obliged person whose presentation or completion deadline passed unmet, as a
    /// non-compliance for the CRI to review (rule 6.3).
    NonComplianceDetection,
    /// Storage limitation: erases the persons of the batches a privacy officer approved (each still due,
    /// one transaction each), then proposes a batch of the persons now due, as a dry-run report
    /// ([`parcours_store::erasure_batches`]).
    RetentionReview,
    /// Releases every table of the statistics catalogue for the last closed quarter (and its year after the
    /// fourth), once ([`parcours_store::statistics_releases`]), so that readers find them ready.
    StatisticsReleases,
    /// Runs the Region's queued policy simulations ([`parcours_domain::simulation`]): reads determinations,
    /// writes only the simulation's progress and answer.
    Simulations,
    /// Records, once per appointment, the day-before reminder of each booked appointment at a welcome
    /// office (`appointment_reminder_due`), for the CRI's messaging software.
    AppointmentReminders,
    /// Seals the audit rows written since the last run into the hash chain ([`parcours_store::audit`]).
    AuditSeal,
    /// Queues each webhook subscription's new feed events and sends the deliveries that are due, in feed
    /// order per case, retrying on the Standard Webhooks schedule ([`crate::webhooks`]).
    WebhookDelivery,
    /// Writes the head of the audit chain (position and hash) to the log, daily: an offline copy of the
    /// log then proves that the chain's past was not rewritten later.
    AuditChainHead,
}

impl JobKind {
    /// Every kind, in the order a runner visits them.
    /// The seal comes after the jobs that write audit rows, so one pass leaves nothing unsealed.
    pub const ALL: [JobKind; 12] = [
        JobKind::DeadlineSweep,
        JobKind::IdempotencyExpiry,
        JobKind::ParameterReview,
        JobKind::Reminders,
        JobKind::NonComplianceDetection,
        JobKind::RetentionReview,
        JobKind::StatisticsReleases,
        JobKind::Simulations,
        JobKind::AppointmentReminders,
        JobKind::WebhookDelivery,
        JobKind::AuditSeal,
        JobKind::AuditChainHead,
    ];

    /// Stable code (the `jobs.kind` column).
    pub fn code(self) -> &'static str {
        match self {
            JobKind::DeadlineSweep => "deadline_sweep",
            JobKind::IdempotencyExpiry => "idempotency_expiry",
            JobKind::ParameterReview => "parameter_review",
            JobKind::Reminders => "reminders",
            JobKind::NonComplianceDetection => "non_compliance_detection",
            JobKind::RetentionReview => "retention_review",
            JobKind::StatisticsReleases => "statistics_releases",
            JobKind::Simulations => "simulations",
            JobKind::AppointmentReminders => "appointment_reminders",
            JobKind::AuditSeal => "audit_seal",
            JobKind::AuditChainHead => "audit_chain_head",
            JobKind::WebhookDelivery => "webhook_delivery",
        }
    }

    /// Time between two runs. A deadline is a date, so a sweep every quarter of an hour tells the feed
    /// within minutes of midnight in Brussels; the purge is daily housekeeping.
    pub fn interval(self) -> Duration {
        match self {
            JobKind::DeadlineSweep => Duration::minutes(15),
            JobKind::IdempotencyExpiry => Duration::hours(24),
            // A new value is rare; the review reaches the CRIs within minutes.
            JobKind::ParameterReview => Duration::minutes(5),
            // A reminder is due on a day: hourly is early enough for the CRI's morning list.
            JobKind::Reminders => Duration::hours(1),
            // A breach is a date passed; the CRI reviews it over days, so hourly is soon enough.
            JobKind::NonComplianceDetection => Duration::hours(1),
            // Retention periods are years: a daily review is precise to the day.
            JobKind::RetentionReview => Duration::hours(24),
            // A period closes at midnight: hourly releases it early on its first morning.
            JobKind::StatisticsReleases => Duration::hours(1),
            // The Region waits for the answer: within a minute.
            JobKind::Simulations => Duration::minutes(1),
            // A reminder is due on the day before: hourly reaches the morning's messages.
            JobKind::AppointmentReminders => Duration::hours(1),
            // The rows written since the last seal are the only ones without tamper evidence: a minute.
            JobKind::AuditSeal => Duration::minutes(1),
            JobKind::AuditChainHead => Duration::hours(24),
            // Push is worth having only if it is prompt: every look at the job table
            // (`PARCOURS_JOBS_POLL_SECONDS`) sends what is due.
            JobKind::WebhookDelivery => Duration::seconds(1),
        }
    }
}

/// How long a claim holds before another runner may take the job over (a runner that died).
const LEASE: Duration = Duration::minutes(10);
/// Delay before a failed job is tried again.
const RETRY_AFTER_FAILURE: Duration = Duration::minutes(1);

/// What one job run did, for the log (counts only, never personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    /// Which job.
    pub kind: JobKind,
    /// `ok: <count> ...` or `failed: <error code>`.
    pub outcome: String,
}

fn work(state: &AppState, kind: JobKind) -> Result<String, ApiError> {
    let mut conn = state.store.conn()?;
    let (today, now) = (state.clock.today(), state.clock.now());
    match kind {
        JobKind::DeadlineSweep => {
            let recorded = on_every_clock(state, &mut conn, |conn, cri| {
                Ok(parcours_store::cases::sweep_missed_deadlines(conn, state.clock.today(), state.clock.now(), cri)?)
            })?;
            Ok(format!("ok: {recorded} missed deadline(s) recorded"))
        }
        JobKind::IdempotencyExpiry => {
            let reference = state.reference_data(&mut conn)?;
            let days = *reference.parameters.idempotency_key_retention_days.on(today);
            let purged =
                parcours_store::idempotency::purge_older_than(&mut conn, now - Duration::days(i64::from(days)))?;
            Ok(format!("ok: {purged} idempotency key(s) older than {days} days purged"))
        }
        JobKind::ParameterReview => review_parameter_values(state, &mut conn, today, now),
        JobKind::Reminders => {
            let recorded = on_every_clock(state, &mut conn, |conn, cri| sweep_reminders(state, conn, cri))?;
            Ok(format!("ok: {recorded} reminder(s) due recorded"))
        }
        JobKind::NonComplianceDetection => {
            let recorded = on_every_clock(state, &mut conn, |conn, cri| {
                let (today, now) = (state.clock.today(), state.clock.now());
                Ok(parcours_store::non_compliances::sweep_non_compliances(conn, today, now, cri)?)
            })?;
            Ok(format!("ok: {recorded} non-compliance(s) recorded"))
        }
        JobKind::RetentionReview => {
            let reference = state.reference_data(&mut conn)?;
            let actor = parcours_store::audit::Actor::system("retention_review");
            let executed = parcours_store::erasure_batches::execute_approved(
                &mut conn,
                &reference.parameters,
                today,
                &actor,
                now,
            )?;
            let mut erased = 0;
            for batch in &executed {
                erased += batch.outcome()?.map_or(0, |outcome| outcome.erased.len());
            }
            let proposed =
                parcours_store::erasure_batches::propose_batch(&mut conn, &reference.parameters, today, &actor, now)?;
            let proposed = match proposed {
                Some(batch) => format!("batch {} proposed with {} person(s) due", batch.id, batch.report()?.due.len()),
                None => "nobody newly due".to_owned(),
            };
            Ok(format!("ok: {} approved batch(es) executed, {erased} person(s) erased; {proposed}", executed.len()))
        }
        JobKind::StatisticsReleases => release_closed_periods(state, &mut conn, today, now),
        JobKind::Simulations => run_simulations(state, &mut conn),
        JobKind::AppointmentReminders => {
            let recorded = record_appointment_reminders(&mut conn, today, now)?;
            Ok(format!("ok: {recorded} appointment reminder(s) due recorded"))
        }
        JobKind::WebhookDelivery => crate::webhooks::deliver(state),
        JobKind::AuditSeal => {
            let sealed = parcours_store::audit::seal(&mut conn)?;
            Ok(format!("ok: {sealed} audit row(s) sealed"))
        }
        JobKind::AuditChainHead => {
            parcours_store::audit::seal(&mut conn)?;
            Ok(match parcours_store::audit::head(&mut conn)? {
                Some(head) => format!("ok: audit chain head seq={} hash={}", head.chain_seq, head.row_hash),
                None => "ok: audit chain empty".to_owned(),
            })
        }
    }
}

/// Sandbox: the CRIs that moved their clock ahead, by code, with their days ahead. Their cases are swept
/// again on their own date after the shared sweep (which, being behind, finds nothing the CRI's would not).
/// Read from the table, so that a `parcours worker` beside `serve` sees the moves too.
fn moved_cris(state: &AppState, conn: &mut parcours_store::DbConnection) -> Result<Vec<(String, i64)>, ApiError> {
    if state.config.environment != crate::config::Environment::Sandbox {
        return Ok(Vec::new());
    }
    Ok(parcours_store::sandbox_clocks::all(conn)?
        .into_iter()
        .filter(|clock| clock.offset_days > 0)
        .filter_map(|clock| {
            clock.organisation.strip_prefix("cri:").map(|cri| (cri.to_owned(), i64::from(clock.offset_days)))
        })
        .collect())
}

/// `sweep` over every case on the shared clock, then, in the sandbox, over each moved CRI's cases again on
/// the date it moved to (`sweep` reads the clock in force on this thread).
fn on_every_clock(
    state: &AppState,
    conn: &mut parcours_store::DbConnection,
    mut sweep: impl FnMut(&mut parcours_store::DbConnection, Option<&str>) -> Result<usize, ApiError>,
) -> Result<usize, ApiError> {
    let mut recorded = sweep(conn, None)?;
    for (cri, days) in moved_cris(state, conn)? {
        recorded += crate::clock::with_days_ahead(days, || sweep(conn, Some(&cri)))?;
    }
    Ok(recorded)
}

/// The reminders due on the clock in force on this thread, for every case or one CRI's.
fn sweep_reminders(
    state: &AppState,
    conn: &mut parcours_store::DbConnection,
    only_cri: Option<&str>,
) -> Result<usize, ApiError> {
    let today = state.clock.today();
    let reference = state.reference_data(conn)?;
    let presentation = *reference.parameters.reminder_days_before_presentation.on(today);
    let completion = *reference.parameters.reminder_days_before_completion.on(today);
    Ok(parcours_store::reminders::sweep_reminders(conn, today, presentation, completion, state.clock.now(), only_cri)?)
}

/// What the date-driven sweeps recorded for one CRI's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CriSweep {
    /// Missed deadlines (presentation, completion).
    pub missed_deadlines: usize,
    /// Reminders that came due.
    pub reminders: usize,
    /// Non-compliances detected.
    pub non_compliances: usize,
}

/// Sandbox: the date-driven sweeps (deadlines, reminders, non-compliance) over `cri`'s cases on the clock
/// in force on this thread, right after the CRI moved it, so that what the new date brings is there at once.
pub fn sweep_cri(state: &AppState, cri: &str) -> Result<CriSweep, ApiError> {
    let mut conn = state.store.conn()?;
    let (today, now) = (state.clock.today(), state.clock.now());
    Ok(CriSweep {
        missed_deadlines: parcours_store::cases::sweep_missed_deadlines(&mut conn, today, now, Some(cri))?,
        reminders: sweep_reminders(state, &mut conn, Some(cri))?,
        non_compliances: parcours_store::non_compliances::sweep_non_compliances(&mut conn, today, now, Some(cri))?,
    })
}

/// Records the reminder of each booked appointment whose day-before has come (in Brussels), once: a
/// guarded update marks the appointment, and the step is written only when this run marked it.
fn record_appointment_reminders(
    conn: &mut parcours_store::DbConnection,
    today: chrono::NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<usize, ApiError> {
    use parcours_domain::welcome_office::{AppointmentChange, appointment_event, reminder_day};
    let system = parcours_store::audit::Actor::system("appointment_reminders");
    // Appointments from now to two days ahead cover every "tomorrow in Brussels".
    let candidates = parcours_store::appointments::to_remind(conn, now, now + Duration::days(2))?;
    let mut recorded = 0;
    for (appointment, slot) in candidates {
        // From the day before on: a runner that was down that day still records it on the morning itself.
        if reminder_day(slot.starts_at.and_utc()) > today {
            continue;
        }
        recorded += parcours_store::write_transaction(conn, |conn| -> Result<usize, ApiError> {
            if parcours_store::appointments::mark_reminded(conn, &appointment.id, now)? != 1 {
                return Ok(0);
            }
            let step = appointment_event(AppointmentChange::ReminderDue, &slot.slot()?, &appointment.id);
            parcours_store::appointments::record_step(conn, &appointment, step, &system, now)?;
            Ok(1)
        })?;
    }
    Ok(recorded)
}

/// Releases each table for the last closed quarter, and for its year when it is the fourth (a year after
/// its quarters). Periods already released are left as they are; older ones are released at their first
/// request.
fn release_closed_periods(
    state: &AppState,
    conn: &mut parcours_store::DbConnection,
    today: chrono::NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<String, ApiError> {
    use parcours_domain::statistics::{Period, StatisticsTable};
    use parcours_store::statistics_releases::{ReleaseOutcome, ensure_release};
    let reference = state.reference_data(conn)?;
    let communes: Vec<_> = reference.communes().cloned().collect();
    // The quarter before today's.
    let last_closed = Period::quarter_of(Period::quarter_of(today).first_day().pred_opt().unwrap_or(today));
    let mut periods = vec![last_closed];
    if let Period::Quarter { year, quarter: 4 } = last_closed {
        periods.push(Period::Year(year));
    }
    let (mut released, mut unprotectable) = (0, 0);
    for period in periods {
        let last_day = period.end().pred_opt().unwrap_or(period.end());
        let threshold = u64::from(*reference.parameters.disclosure_threshold.on(last_day));
        for table in StatisticsTable::ALL {
            match ensure_release(conn, table, period, &communes, threshold, now)? {
                ReleaseOutcome::Released(_) => released += 1,
                ReleaseOutcome::Unprotectable(_) => unprotectable += 1,
            }
        }
    }
    Ok(format!("ok: {released} release(s) in place, {unprotectable} that no suppression could protect"))
}

/// Runs the queued simulations, the oldest first: each re-runs the period's determinations (the last per
/// person) under the parameters in force and under the alternative, in batches that record the progress.
/// Facts that today's checks refuse are left out of both sides. Counts only in the outcome.
fn run_simulations(state: &AppState, conn: &mut parcours_store::DbConnection) -> Result<String, ApiError> {
    use parcours_domain::simulation;
    use parcours_store::simulations as store;
    let mut done = 0;
    while let Some(record) = store::take_next(conn)? {
        let outcome = (|| -> Result<String, String> {
            let period = parcours_domain::statistics::Period::parse(&record.period).ok_or("period unreadable")?;
            let changes: Vec<crate::dto::PolicyChangeDto> =
                serde_json::from_str(&record.changes_json).map_err(|e| format!("changes unreadable: {e}"))?;
            let changes: Vec<_> = changes.iter().map(|c| c.change()).collect();
            let in_force = state.reference_data(conn).map_err(|e| e.code().to_owned())?;
            let alternative =
                simulation::alternative(&in_force, &changes).map_err(|e| format!("change {} refused", e.index))?;
            let from = period.first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
            let before = period.end().and_hms_opt(0, 0, 0).unwrap_or_default();
            let ids = store::determinations_to_rerun(conn, from, before).map_err(|e| e.to_string())?;
            let mut outcomes = Vec::with_capacity(ids.len());
            for (batch, chunk) in ids.chunks(2_000).enumerate() {
                for (facts_json, as_of) in store::facts_of(conn, chunk).map_err(|e| e.to_string())? {
                    let Ok(facts) = serde_json::from_str::<parcours_domain::Facts>(&facts_json) else { continue };
                    if let Ok(outcome) = simulation::compare(&facts, as_of, &in_force, &alternative) {
                        outcomes.push(outcome);
                    }
                }
                let percent = ((batch + 1) * 2_000).min(ids.len()) * 100 / ids.len().max(1);
                store::record_progress(conn, &record.id, i32::try_from(percent).unwrap_or(100))
                    .map_err(|e| e.to_string())?;
            }
            let last_day = period.end().pred_opt().unwrap_or(period.end());
            let threshold = u64::from(*in_force.parameters.disclosure_threshold.on(last_day));
            let summary = simulation::summarise(&outcomes, threshold);
            let result = crate::dto::SimulationResult::new(&summary, threshold);
            serde_json::to_string(&result).map_err(|e| e.to_string())
        })();
        if let Err(error) = &outcome {
            log::warn!("simulation {} failed: {error}", record.id);
        }
        store::finish(conn, &record.id, outcome, state.clock.now())?;
        done += 1;
    }
    Ok(format!("ok: {done} simulation(s) run"))
}

/// For each value not yet reviewed: every open case's latest facts decided with the values before and
/// with it; the cases that change are stored for their CRI. Counts only in the outcome.
fn review_parameter_values(
    state: &AppState,
    conn: &mut parcours_store::DbConnection,
    today: chrono::NaiveDate,
    now: chrono::NaiveDateTime,
) -> Result<String, ApiError> {
    use parcours_store::parameter_values as values;
    let pending = values::unreviewed(conn)?;
    if pending.is_empty() {
        return Ok("ok: no new parameter value".to_owned());
    }
    let history = values::history(conn)?;
    let current = state.reference_data(conn)?;
    let open = values::open_cases(conn)?;
    let mut found = 0;
    for value in &pending {
        let mut before = (*current).clone();
        before.parameters = values::parameters_with(&history, Some(&value.id))?;
        let mut items = Vec::new();
        for (case_id, person_id, cri_code) in &open {
            let Some(latest) = parcours_store::determinations::latest_determination(conn, person_id)? else {
                continue;
            };
            let facts: parcours_domain::Facts = serde_json::from_str(&latest.facts_json)
                .map_err(|e| ApiError::Internal(format!("stored facts unreadable: {e}")))?;
            // Facts a stored determination accepted may be refused by today's stricter checks: such a
            // case is not affected by the value, and its own review is another matter.
            let Ok((old, new, changes)) =
                parcours_domain::reevaluation::parameter_change_effect(&facts, &before, &current, today)
            else {
                continue;
            };
            if changes.is_empty() {
                continue;
            }
            items.push(values::ReviewItemRecord {
                id: parcours_store::new_id(),
                parameter_value_id: value.id.clone(),
                case_id: case_id.clone(),
                cri_code: cri_code.clone(),
                status_before: old.status.code().to_owned(),
                status_after: new.status.code().to_owned(),
                changes: changes.iter().map(|c| c.line()).collect::<Vec<_>>().join("\n"),
                found_at: now,
            });
        }
        found += items.len();
        values::finish_review(conn, &value.id, &items, now)?;
    }
    Ok(format!("ok: {} value(s) reviewed, {found} open case(s) to review", pending.len()))
}

/// Registers every kind (due at once when new), then runs each job that is due and that this runner can
/// claim. Returns what ran. `owner` names the runner in the lease (process and thread).
pub fn run_due(state: &AppState, owner: &str) -> Result<Vec<JobRun>, ApiError> {
    let mut runs = Vec::new();
    for kind in JobKind::ALL {
        let now = state.clock.now();
        let mut conn = state.store.conn()?;
        parcours_store::jobs::ensure(&mut conn, kind.code(), now)?;
        if !parcours_store::jobs::claim(&mut conn, kind.code(), owner, now, LEASE)? {
            continue;
        }
        drop(conn);
        let (outcome, next) = match work(state, kind) {
            Ok(outcome) => (outcome, state.clock.now() + kind.interval()),
            Err(error) => {
                log::error!("job={} failed: {error}", kind.code());
                (format!("failed: {}", error.code()), state.clock.now() + RETRY_AFTER_FAILURE)
            }
        };
        let mut conn = state.store.conn()?;
        parcours_store::jobs::finish(&mut conn, kind.code(), owner, state.clock.now(), next, &outcome)?;
        log::info!("job={} {outcome}", kind.code());
        runs.push(JobRun { kind, outcome });
    }
    Ok(runs)
}

/// Makes one job due now and runs it (a benchmark, or an operator who wants one sweep without the others).
pub fn run_one_now(state: &AppState, kind: JobKind, owner: &str) -> Result<Option<JobRun>, ApiError> {
    let mut conn = state.store.conn()?;
    parcours_store::jobs::ensure(&mut conn, kind.code(), state.clock.now())?;
    parcours_store::jobs::make_due(&mut conn, kind.code(), state.clock.now())?;
    drop(conn);
    Ok(run_due(state, owner)?.into_iter().find(|run| run.kind == kind))
}

/// Makes every job due now and runs them once (`parcours run-jobs`: after a data correction, or to try the
/// sweeps on a local instance without waiting for their interval). A job another runner holds is skipped.
pub fn run_all_now(state: &AppState, owner: &str) -> Result<Vec<JobRun>, ApiError> {
    let mut conn = state.store.conn()?;
    for kind in JobKind::ALL {
        parcours_store::jobs::ensure(&mut conn, kind.code(), state.clock.now())?;
        parcours_store::jobs::make_due(&mut conn, kind.code(), state.clock.now())?;
    }
    drop(conn);
    run_due(state, owner)
}

/// Runs [`run_due`] every `poll` until `stop` is set. A job running then finishes and releases its lease
/// before this returns (graceful shutdown: nothing waits for a lease to expire). A failure (database down)
/// is logged and tried again at the next poll.
pub fn run_until(state: &AppState, poll: StdDuration, stop: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering;
    let owner = format!("{}:{}", std::process::id(), parcours_store::new_id());
    while !stop.load(Ordering::SeqCst) {
        if let Err(error) = run_due(state, &owner) {
            log::warn!("job runner: {error}");
        }
        let next = std::time::Instant::now() + poll;
        while !stop.load(Ordering::SeqCst) {
            let left = next.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(StdDuration::from_millis(200)));
        }
    }
}
