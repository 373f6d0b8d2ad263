//! The `coordination_bodies` table: the local integration plans, social-cohesion plans and platforms a CRI
//! runs or joins in its territory, searchable per commune.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::local_coordination::{CoordinationBody, CoordinationKind};

use crate::audit::{self, Actor};
use crate::schema::coordination_bodies;
use crate::{DbConnection, StoreError, communes_key, communes_of_key, from_json, to_json};

/// A body as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = coordination_bodies)]
pub struct CoordinationBodyRecord {
    /// Id.
    pub id: String,
    /// The CRI that records it.
    pub cri_code: String,
    /// The domain's `CoordinationKind` code.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Communes covered (`,62063,`).
    pub communes_key: String,
    /// Partners (JSON list of names).
    pub partners_json: String,
    /// Recorded.
    pub created_at: NaiveDateTime,
}

impl CoordinationBodyRecord {
    /// The row of a new body.
    pub fn new(
        id: String,
        cri_code: &str,
        body: &CoordinationBody,
        now: NaiveDateTime,
    ) -> Result<CoordinationBodyRecord, StoreError> {
        Ok(CoordinationBodyRecord {
            id,
            cri_code: cri_code.to_owned(),
            kind: body.kind.code().to_owned(),
            name: body.name.clone(),
            communes_key: communes_key(&body.communes),
            partners_json: to_json(&body.partners)?,
            created_at: now,
        })
    }

    /// Its kind.
    pub fn kind(&self) -> Result<CoordinationKind, StoreError> {
        CoordinationKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("coordination kind {}", self.kind)))
    }

    /// Communes covered (NIS codes).
    pub fn communes(&self) -> Vec<String> {
        communes_of_key(&self.communes_key)
    }

    /// Partners.
    pub fn partners(&self) -> Result<Vec<String>, StoreError> {
        from_json(&self.partners_json)
    }
}

/// Who reads coordination bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinationScope {
    /// The Region: all.
    Region,
    /// A CRI: its own.
    Cri(String),
    /// A commune: those that cover it.
    Commune(String),
}

/// Stores a new body; audited.
pub fn insert(conn: &mut DbConnection, record: &CoordinationBodyRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(coordination_bodies::table).values(record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_coordination_body",
            "coordination_body",
            Some(&record.id),
            None,
            record.created_at,
        )
    })
}

/// Bodies of the scope, by name, optionally only those covering `commune`.
pub fn list(
    conn: &mut DbConnection,
    scope: &CoordinationScope,
    commune: Option<&str>,
) -> Result<Vec<CoordinationBodyRecord>, StoreError> {
    let mut query = coordination_bodies::table.into_boxed();
    query = match scope {
        CoordinationScope::Region => query,
        CoordinationScope::Cri(cri) => query.filter(coordination_bodies::cri_code.eq(cri.clone())),
        CoordinationScope::Commune(nis) => query.filter(coordination_bodies::communes_key.like(format!("%,{nis},%"))),
    };
    if let Some(nis) = commune {
        query = query.filter(coordination_bodies::communes_key.like(format!("%,{nis},%")));
    }
    Ok(query
        .order((coordination_bodies::name, coordination_bodies::id))
        .limit(500)
        .select(CoordinationBodyRecord::as_select())
        .load(conn)?)
}

/// One body of the scope.
pub fn find(
    conn: &mut DbConnection,
    id: &str,
    scope: &CoordinationScope,
) -> Result<Option<CoordinationBodyRecord>, StoreError> {
    let found = list_one(conn, id)?;
    Ok(found.filter(|body| match scope {
        CoordinationScope::Region => true,
        CoordinationScope::Cri(cri) => &body.cri_code == cri,
        CoordinationScope::Commune(nis) => body.communes_key.contains(&format!(",{nis},")),
    }))
}

fn list_one(conn: &mut DbConnection, id: &str) -> Result<Option<CoordinationBodyRecord>, StoreError> {
    Ok(coordination_bodies::table.find(id).select(CoordinationBodyRecord::as_select()).first(conn).optional()?)
}
