-- Signed webhooks (issue 14): an organisation's subscriptions to its feed, the deliveries the job runner
-- makes of each event to each subscription (in feed order per case), and every attempt of each (the
-- delivery log). Secrets are sealed with the data keys; no column holds a name or a national number.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    organisation TEXT NOT NULL,
    url TEXT NOT NULL,
    description TEXT,
    event_types_json TEXT NOT NULL,
    scheme TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    public_key TEXT,
    previous_secret_sealed TEXT,
    previous_public_key TEXT,
    previous_secret_until TIMESTAMP,
    status TEXT NOT NULL,
    disabled_reason TEXT,
    position BIGINT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_by_organisation ON webhook_subscriptions (organisation, created_at, id);
CREATE INDEX webhook_subscriptions_by_status ON webhook_subscriptions (status, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id TEXT NOT NULL REFERENCES outbox_events (id),
    position BIGINT NOT NULL,
    case_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, position);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, position, id);
CREATE INDEX webhook_deliveries_by_case ON webhook_deliveries (subscription_id, case_id, status, position);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempt);
