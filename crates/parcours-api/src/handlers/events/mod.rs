//! The event feed: what each organisation is entitled to learn about cases.

pub mod list;
