//! Log lines: text by default, or one JSON object per line (`PARCOURS_LOG_FORMAT=json`) for a log
//! collector. Either way a line holds what the code logs, and the code never logs personal data.

use std::io::Write;

/// One JSON log line: `time` (RFC 3339, UTC, milliseconds), `level`, `target` and `message`.
pub fn json_line(time: chrono::DateTime<chrono::Utc>, level: log::Level, target: &str, message: &str) -> String {
    serde_json::json!({
        "time": time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "level": level.as_str(),
        "target": target,
        "message": message,
    })
    .to_string()
}

/// Starts the logger (`RUST_LOG`, `info` by default) in the format `PARCOURS_LOG_FORMAT` names; an unknown
/// format is refused later, with the rest of the configuration.
pub fn init() {
    let mut builder = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    if std::env::var("PARCOURS_LOG_FORMAT").as_deref() == Ok("json") {
        builder.format(|out, record| {
            let line = json_line(chrono::Utc::now(), record.level(), record.target(), &record.args().to_string());
            writeln!(out, "{line}")
        });
    }
    builder.init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_line_is_one_object_that_escapes_its_message() {
        let time = "2026-12-06T10:00:00.123Z".parse().expect("instant");
        let line = json_line(time, log::Level::Info, "parcours_api::request", "route=/v1/cases/{id} \"quoted\"\nnext");
        assert!(!line.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(value["time"], "2026-12-06T10:00:00.123Z");
        assert_eq!(value["level"], "INFO");
        assert_eq!(value["message"], "route=/v1/cases/{id} \"quoted\"\nnext");
    }
}
