DROP TABLE interpreting_requests;
DROP TABLE session_enrolments;
DROP TABLE collective_sessions;
DROP TABLE appointments;
DROP TABLE appointment_slots;
DROP TABLE welcome_offices;
