//! Training operators (promotion sociale schools, ILIs, Forem): created by the Region or a CRI; an
//! operator token (`operator:<id>`, role `operator_agent`) acts only for its own operator.

pub mod create;
pub mod get;

use parcours_store::operators::OperatorRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An operator.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20d00-0000-7000-8000-000000000001", "name": "Institut de promotion sociale de Liège",
    "enterprise_number": "0123.456.749", "axes": ["french", "citizenship"], "cri_territories": ["CRIPEL", "CRVI"],
    "contact_email": "secretariat@ips-liege.example", "contact_phone": null}))]
pub struct OperatorDto {
    /// Id: tokens of this operator carry `org: operator:<id>`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Enterprise number (BCE/KBO).
    pub enterprise_number: String,
    /// Axes it is recognised for.
    pub axes: Vec<String>,
    /// CRI territories it serves.
    pub cri_territories: Vec<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
}

impl From<&OperatorRecord> for OperatorDto {
    fn from(o: &OperatorRecord) -> Self {
        OperatorDto {
            id: o.id.clone(),
            name: o.name.clone(),
            enterprise_number: o.enterprise_number.clone(),
            axes: o.axes.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            cri_territories: o.cri_codes.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
            contact_email: o.contact_email.clone(),
            contact_phone: o.contact_phone.clone(),
        }
    }
}
