//! Local integration initiatives (ILI): registered by the Region or a CRI under their enterprise number,
//! so that their tokens (`ili:<enterprise number>`) may apply to calls for projects.

pub mod create;
pub mod list;

use parcours_store::local_initiatives::LocalInitiativeRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A registered ILI.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001d1", "enterprise_number": "0123.456.749",
    "name": "Maison de quartier Saint-Léonard", "contact_email": "projets@msl.example.be", "organisation": "ili:0123.456.749",
    "operator_id": null}))]
pub struct LocalInitiativeDto {
    /// Id.
    pub id: String,
    /// Enterprise number (printed form).
    pub enterprise_number: String,
    /// Name.
    pub name: String,
    /// Contact e-mail (a service address).
    pub contact_email: Option<String>,
    /// The organisation its tokens name.
    pub organisation: String,
    /// The course operator registered under the same enterprise number, if any: one legal entity with both
    /// capacities (its course operator tokens are `operator:<operator_id>`).
    pub operator_id: Option<String>,
}

impl LocalInitiativeDto {
    /// The communicated form.
    pub fn new(record: &LocalInitiativeRecord, operator_id: Option<String>) -> LocalInitiativeDto {
        LocalInitiativeDto {
            id: record.id.clone(),
            enterprise_number: record.enterprise_number.clone(),
            name: record.name.clone(),
            contact_email: record.contact_email.clone(),
            organisation: format!("ili:{}", record.enterprise_number),
            operator_id,
        }
    }
}
