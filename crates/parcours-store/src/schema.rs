//! The tables, by hand, in types both backends share (ids and JSON as `Text`, UTC `Timestamp`, `Date`).
//! One file to find any table: keep it in step with `migrations/postgres` and `migrations/sqlite`.

diesel::table! {
    cris (code) {
        code -> Text,
        name_fr -> Text,
        seat_city -> Text,
        website -> Text,
        territory -> Text,
    }
}

diesel::table! {
    communes (nis_code) {
        nis_code -> Text,
        name_fr -> Text,
        name_nl -> Text,
        name_de -> Text,
        arrondissement_nis -> Text,
        province_nis -> Text,
        language_region -> Text,
        valid_from -> Date,
        valid_to -> Date,
    }
}

diesel::table! {
    commune_cri_assignments (id) {
        id -> Text,
        nis_code -> Text,
        cri_code -> Text,
        valid_from -> Date,
        valid_to -> Date,
        status -> Text,
        reason -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Text,
        superseded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reference_versions (name) {
        name -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    persons (id) {
        id -> Text,
        niss -> Text,
        surname -> Text,
        given_names -> Text,
        birth_date -> Date,
        sex -> Nullable<Text>,
        nationality -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        identity_version -> Integer,
        merged_into -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        erased_under -> Nullable<Text>,
    }
}

diesel::table! {
    determinations (id) {
        id -> Text,
        person_id -> Text,
        status -> Text,
        regime -> Nullable<Text>,
        competent_cri -> Nullable<Text>,
        reference_date -> Date,
        as_of -> Date,
        rules_version -> Text,
        facts_json -> Text,
        result_json -> Text,
        decided_at -> Timestamp,
        decided_by -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        reference -> Text,
        person_id -> Text,
        cri_code -> Text,
        commune_nis -> Text,
        state -> Text,
        obliged -> Bool,
        determination_id -> Text,
        opened_at -> Timestamp,
        version -> Integer,
        state_json -> Text,
        present_by -> Nullable<Date>,
        complete_by -> Nullable<Date>,
        next_review_due -> Nullable<Date>,
        presentation_missed_notified -> Bool,
        completion_missed_notified_for -> Nullable<Date>,
        updated_at -> Timestamp,
        cpas_nis -> Nullable<Text>,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        occurred_at -> Timestamp,
        kind -> Text,
        cri_code -> Text,
        actor_subject -> Text,
        actor_organisation -> Text,
        request_id -> Text,
        basis -> Text,
        reason_fr -> Text,
        reason_en -> Text,
        summary -> Text,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> Text,
        seq -> Nullable<BigInt>,
        case_id -> Text,
        occurred_at -> Timestamp,
        event_type -> Text,
        cri_code -> Text,
        commune_nis -> Nullable<Text>,
        cri_payload -> Text,
        commune_payload -> Nullable<Text>,
        cpas_nis -> Nullable<Text>,
        cpas_payload -> Nullable<Text>,
    }
}

diesel::table! {
    case_reference_counters (cri_code, year) {
        cri_code -> Text,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    arrivals (id) {
        id -> Text,
        person_id -> Text,
        determination_id -> Text,
        case_id -> Nullable<Text>,
        commune_nis -> Text,
        reported_by_org -> Text,
        reported_by_sub -> Text,
        status -> Text,
        volunteer_request -> Bool,
        payload_json -> Text,
        reported_at -> Timestamp,
        identity_id -> Nullable<Text>,
    }
}

diesel::table! {
    operators (id) {
        id -> Text,
        name -> Text,
        enterprise_number -> Text,
        axes -> Text,
        cri_codes -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    courses (id) {
        id -> Text,
        operator_id -> Text,
        title -> Text,
        axis -> Text,
        level -> Nullable<Text>,
        instruction_language -> Text,
        commune_nis -> Text,
        address -> Text,
        capacity -> Integer,
        start_date -> Date,
        end_date -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    course_sessions (id) {
        id -> Text,
        course_id -> Text,
        session_date -> Date,
        start_time -> Text,
        end_time -> Text,
        minutes -> Integer,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Text,
        course_id -> Text,
        case_id -> Text,
        status -> Text,
        waiting_position -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attendance_records (id) {
        id -> Text,
        course_id -> Text,
        session_id -> Text,
        enrolment_id -> Text,
        case_id -> Text,
        status -> Text,
        minutes -> Integer,
        version -> Integer,
        is_current -> Bool,
        reason -> Nullable<Text>,
        batch_id -> Text,
        author_organisation -> Text,
        author_subject -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    case_axis_minutes (case_id, axis) {
        case_id -> Text,
        axis -> Text,
        minutes -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (organisation, idempotency_key) {
        organisation -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
        response_location -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        occurred_at -> Timestamp,
        request_id -> Text,
        subject -> Text,
        organisation -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        detail -> Nullable<Text>,
        client_request_id -> Nullable<Text>,
        role -> Nullable<Text>,
        route -> Nullable<Text>,
        chain_seq -> Nullable<BigInt>,
        previous_hash -> Nullable<Text>,
        row_hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_subjects (audit_id, person_id) {
        audit_id -> Text,
        person_id -> Text,
    }
}

diesel::joinable!(commune_cri_assignments -> communes (nis_code));
diesel::joinable!(determinations -> persons (person_id));
diesel::joinable!(cases -> persons (person_id));
diesel::joinable!(arrivals -> persons (person_id));
diesel::table! {
    /// Background jobs: one row per kind, claimed through a lease.
    jobs (kind) {
        kind -> Text,
        next_run_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_outcome -> Nullable<Text>,
        runs -> BigInt,
    }
}

diesel::joinable!(arrivals -> determinations (determination_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(outbox_events -> cases (case_id));
diesel::joinable!(courses -> operators (operator_id));
diesel::joinable!(course_sessions -> courses (course_id));
diesel::joinable!(enrolments -> courses (course_id));
diesel::joinable!(enrolments -> cases (case_id));
diesel::joinable!(attendance_records -> cases (case_id));

diesel::table! {
    cri_settings (cri_code) {
        cri_code -> Text,
        office_address -> Text,
        signatory_name -> Text,
        signatory_function -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::table! {
    attestation_counters (cri_code, year) {
        cri_code -> Text,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    attestations (serial) {
        serial -> Text,
        case_id -> Text,
        person_id -> Text,
        cri_code -> Text,
        kind -> Text,
        status -> Text,
        content_json -> Text,
        pdf_sha256 -> Text,
        template_version -> Integer,
        verification_token -> Text,
        key_id -> Text,
        signed_payload -> Text,
        issued_on -> Date,
        completed_on -> Date,
        issued_at -> Timestamp,
        issued_by -> Text,
        supersedes -> Nullable<Text>,
        superseded_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revocation_reason -> Nullable<Text>,
        copies -> Integer,
    }
}

diesel::table! {
    parameter_values (id) {
        id -> Text,
        name -> Text,
        valid_from -> Date,
        value_text -> Text,
        legal_source -> Text,
        reason -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Text,
        superseded_at -> Nullable<Timestamp>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    parameter_review_items (id) {
        id -> Text,
        parameter_value_id -> Text,
        case_id -> Text,
        cri_code -> Text,
        status_before -> Text,
        status_after -> Text,
        changes -> Text,
        found_at -> Timestamp,
    }
}

diesel::joinable!(attestations -> cases (case_id));
diesel::joinable!(parameter_review_items -> parameter_values (parameter_value_id));
diesel::joinable!(attestations -> persons (person_id));

diesel::table! {
    /// A person's identity through time: versions of the current identity, and reports kept as made.
    person_identities (id) {
        id -> Text,
        person_id -> Text,
        version -> Nullable<Integer>,
        niss -> Text,
        surname -> Text,
        given_names -> Text,
        birth_date -> Date,
        sex -> Nullable<Text>,
        nationality -> Text,
        source -> Text,
        source_org -> Text,
        reason -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    /// Reports whose identity differs from the known one, for the CRI to resolve.
    identity_conflicts (id) {
        id -> Text,
        person_id -> Text,
        arrival_id -> Nullable<Text>,
        reported_identity_id -> Text,
        current_identity_id -> Text,
        fields -> Text,
        cri_code -> Nullable<Text>,
        flagged_at -> Timestamp,
        resolution -> Nullable<Text>,
        resolution_reason -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Two records of one person merged by the CRI.
    person_merges (id) {
        id -> Text,
        kept_person_id -> Text,
        merged_person_id -> Text,
        reason -> Text,
        merged_by_org -> Text,
        merged_by_sub -> Text,
        merged_at -> Timestamp,
    }
}

diesel::table! {
    /// Reminders before a legal deadline, for the CRI to send.
    reminders (id) {
        id -> Text,
        case_id -> Text,
        cri_code -> Text,
        kind -> Text,
        deadline -> Date,
        due_on -> Date,
        status -> Text,
        channel -> Nullable<Text>,
        dispatched_on -> Nullable<Date>,
        dispatched_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    course_offers (id) {
        id -> Text,
        case_id -> Text,
        axis -> Text,
        offered_on -> Date,
        description -> Text,
        enrolment_id -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    non_compliances (id) {
        id -> Text,
        case_id -> Text,
        cri_code -> Text,
        kind -> Text,
        deadline -> Date,
        breach_date -> Date,
        basis -> Text,
        finding -> Nullable<Text>,
        status -> Text,
        excuse_json -> Nullable<Text>,
        review_reason -> Nullable<Text>,
        reviewed_on -> Nullable<Date>,
        reviewed_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sanction_procedures (id) {
        id -> Text,
        reference -> Text,
        non_compliance_id -> Text,
        case_id -> Text,
        cri_code -> Text,
        state -> Text,
        state_json -> Text,
        version -> Integer,
        opened_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sanction_steps (id) {
        id -> Text,
        procedure_id -> Text,
        seq -> Integer,
        kind -> Text,
        summary -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Text,
        organisation -> Text,
        request_id -> Text,
    }
}

diesel::joinable!(reminders -> cases (case_id));
diesel::joinable!(course_offers -> cases (case_id));
diesel::joinable!(non_compliances -> cases (case_id));
diesel::joinable!(sanction_procedures -> cases (case_id));
diesel::joinable!(sanction_procedures -> non_compliances (non_compliance_id));
diesel::joinable!(sanction_steps -> sanction_procedures (procedure_id));
diesel::joinable!(person_identities -> persons (person_id));
diesel::joinable!(audit_subjects -> audit_log (audit_id));

diesel::table! {
    /// Legal holds: a person's file kept past its retention period.
    legal_holds (id) {
        id -> Text,
        person_id -> Text,
        reason -> Text,
        placed_by_org -> Text,
        placed_by_sub -> Text,
        placed_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        lifted_by_sub -> Nullable<Text>,
        lift_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Erasure batches: the retention review's dry-run report, the privacy officer's decision, the outcome.
    erasure_batches (id) {
        id -> Text,
        status -> Text,
        proposed_at -> Timestamp,
        report_json -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        executed_at -> Nullable<Timestamp>,
        outcome_json -> Nullable<Text>,
    }
}

diesel::table! {
    /// The person's requests about their data, handled by the competent CRI.
    data_requests (id) {
        id -> Text,
        person_id -> Text,
        cri_code -> Text,
        kind -> Text,
        received_on -> Date,
        due_on -> Date,
        details -> Text,
        status -> Text,
        state_json -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    statistics_releases (id) {
        id -> Text,
        table_code -> Text,
        period -> Text,
        threshold -> Integer,
        method -> Text,
        rules_version -> Text,
        cells_json -> Text,
        counts_json -> Text,
        released_at -> Timestamp,
        released_by -> Text,
    }
}

diesel::table! {
    simulations (id) {
        id -> Text,
        requested_by_org -> Text,
        requested_at -> Timestamp,
        period -> Text,
        changes_json -> Text,
        status -> Text,
        progress_percent -> Integer,
        result_json -> Nullable<Text>,
        error -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The CRIs' welcome offices (bureaux d'accueil).
    welcome_offices (id) {
        id -> Text,
        cri_code -> Text,
        name -> Text,
        street -> Text,
        postal_code -> Text,
        locality -> Text,
        opening_hours_json -> Text,
        communes_json -> Text,
        languages_json -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Appointment slots of an office: one staff member, one kind, capacity one.
    appointment_slots (id) {
        id -> Text,
        office_id -> Text,
        cri_code -> Text,
        kind -> Text,
        starts_at -> Timestamp,
        minutes -> Integer,
        staff_ref -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Appointments booked for cases in slots.
    appointments (id) {
        id -> Text,
        slot_id -> Text,
        case_id -> Text,
        cri_code -> Text,
        status -> Text,
        booked_at -> Timestamp,
        updated_at -> Timestamp,
        reminder_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Collective information sessions on rights and duties.
    collective_sessions (id) {
        id -> Text,
        office_id -> Text,
        cri_code -> Text,
        starts_at -> Timestamp,
        minutes -> Integer,
        language -> Text,
        capacity -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Cases enrolled in collective sessions.
    session_enrolments (id) {
        id -> Text,
        session_id -> Text,
        case_id -> Text,
        status -> Text,
        enrolled_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Interpreting requests for an appointment or a session.
    interpreting_requests (id) {
        id -> Text,
        cri_code -> Text,
        appointment_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        language -> Text,
        mode -> Text,
        status -> Text,
        provider_reference -> Nullable<Text>,
        requested_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(appointment_slots -> welcome_offices (office_id));
diesel::joinable!(appointments -> appointment_slots (slot_id));
diesel::joinable!(appointments -> cases (case_id));
diesel::joinable!(collective_sessions -> welcome_offices (office_id));
diesel::joinable!(session_enrolments -> collective_sessions (session_id));
diesel::joinable!(session_enrolments -> cases (case_id));

diesel::joinable!(legal_holds -> persons (person_id));
diesel::joinable!(data_requests -> persons (person_id));

diesel::table! {
    /// Local integration initiatives (ILI) registered to apply to calls for projects.
    local_initiatives (id) {
        id -> Text,
        enterprise_number -> Text,
        name -> Text,
        contact_email -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// The Region's calls for projects.
    project_calls (id) {
        id -> Text,
        title -> Text,
        axes_json -> Text,
        territory_json -> Text,
        opens_on -> Date,
        closes_on -> Date,
        opinion_deadline -> Date,
        budget_cents -> BigInt,
        criteria_json -> Text,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    /// Applications of ILIs to calls, and the projects they become.
    project_applications (id) {
        id -> Text,
        call_id -> Text,
        initiative_id -> Text,
        enterprise_number -> Text,
        cri_code -> Text,
        communes_key -> Text,
        project_title -> Text,
        status -> Text,
        version -> Integer,
        requested_cents -> BigInt,
        granted_cents -> BigInt,
        submitted_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Every submitted version of an application, unchanged.
    project_application_versions (application_id, version) {
        application_id -> Text,
        version -> Integer,
        content_json -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    /// The dated steps of each project, and the project feed.
    project_steps (id) {
        id -> Text,
        seq -> BigInt,
        application_id -> Text,
        kind -> Text,
        step_json -> Text,
        cri_code -> Text,
        enterprise_number -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Text,
    }
}

diesel::table! {
    /// Local coordination plans and platforms of the CRIs.
    coordination_bodies (id) {
        id -> Text,
        cri_code -> Text,
        kind -> Text,
        name -> Text,
        communes_key -> Text,
        partners_json -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Meetings of the coordination bodies.
    coordination_meetings (id) {
        id -> Text,
        body_id -> Text,
        held_on -> Date,
        partners_present_json -> Text,
        decisions_json -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    /// Training themes a CRI adds to the base list.
    training_themes (cri_code, code) {
        cri_code -> Text,
        code -> Text,
        label_fr -> Text,
        label_en -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Trainings of practitioners (cycles and modules).
    trainings (id) {
        id -> Text,
        cri_code -> Text,
        kind -> Text,
        title -> Text,
        theme -> Text,
        sessions_json -> Text,
        first_day -> Date,
        place -> Text,
        capacity -> Integer,
        trainer -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Practitioners' registrations to trainings (professional data, apart from persons).
    training_registrations (id) {
        id -> Text,
        training_id -> Text,
        full_name -> Text,
        organisation -> Text,
        email -> Text,
        email_key -> Text,
        status -> Text,
        attended_json -> Text,
        registered_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(project_applications -> project_calls (call_id));
diesel::joinable!(project_applications -> local_initiatives (initiative_id));
diesel::joinable!(project_steps -> project_applications (application_id));
diesel::joinable!(coordination_meetings -> coordination_bodies (body_id));
diesel::joinable!(training_registrations -> trainings (training_id));

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        organisation -> Text,
        url -> Text,
        description -> Nullable<Text>,
        event_types_json -> Text,
        scheme -> Text,
        secret_sealed -> Text,
        public_key -> Nullable<Text>,
        previous_secret_sealed -> Nullable<Text>,
        previous_public_key -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        status -> Text,
        disabled_reason -> Nullable<Text>,
        position -> BigInt,
        version -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Text,
        position -> BigInt,
        case_id -> Text,
        event_type -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempt -> Integer,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    sandbox_clocks (organisation) {
        organisation -> Text,
        offset_days -> Integer,
        moved_at -> Timestamp,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::allow_tables_to_appear_in_same_query!(
    sandbox_clocks,
    local_initiatives,
    project_calls,
    project_applications,
    project_application_versions,
    project_steps,
    coordination_bodies,
    coordination_meetings,
    training_themes,
    trainings,
    training_registrations,
    welcome_offices,
    appointment_slots,
    appointments,
    collective_sessions,
    session_enrolments,
    interpreting_requests,
    simulations,
    statistics_releases,
    data_requests,
    legal_holds,
    erasure_batches,
    course_offers,
    non_compliances,
    sanction_procedures,
    sanction_steps,
    reminders,
    person_identities,
    identity_conflicts,
    person_merges,
    cris,
    communes,
    commune_cri_assignments,
    reference_versions,
    persons,
    determinations,
    cases,
    case_events,
    outbox_events,
    case_reference_counters,
    operators,
    courses,
    course_sessions,
    enrolments,
    attendance_records,
    case_axis_minutes,
    arrivals,
    idempotency_keys,
    audit_log,
    audit_subjects,
    jobs,
    cri_settings,
    attestation_counters,
    attestations,
    parameter_values,
    parameter_review_items,
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
);
