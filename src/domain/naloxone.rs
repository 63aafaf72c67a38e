//! The naloxone kits of a contact, as Take Home Naloxone programs count
//! them: the kit's form, whether it is the person's first kit or a
//! replacement and why (used, lost, stolen, confiscated, expired), and how
//! many people were shown how to use it on the spot.
//!
//! The kits themselves are a material of the catalog, [`NALOXONE_KITS`],
//! counted with the others (for the person or for others); this detail
//! describes them and never counts them a second time.

use super::choice::choice;
use super::contact::{bounded, parse_int};
use super::error::{Field, FieldError, Problem};
use serde::{Deserialize, Serialize};

/// The material id whose quantity the naloxone detail describes. The
/// default catalog ships it; an organization that renames the label keeps
/// the id, since ids never change meaning.
pub const NALOXONE_KITS: &str = "trousses-naloxone";

choice!(
    /// The kits' form.
    KitForm, Field::KitForm, {
        Nasal => "nasal", KitFormNasal;
        Injectable => "injectable", KitFormInjectable;
    }
);

choice!(
    /// A first kit, or a replacement and the reason the previous kit is
    /// gone (BC's Take Home Naloxone list).
    KitSupply, Field::KitSupply, {
        First => "first", KitSupplyFirst;
        Used => "used", KitSupplyUsed;
        Lost => "lost", KitSupplyLost;
        Stolen => "stolen", KitSupplyStolen;
        Confiscated => "confiscated", KitSupplyConfiscated;
        Expired => "expired", KitSupplyExpired;
        Other => "other", KitSupplyOther;
    }
);

bounded!(
    /// People shown how to give naloxone during the contact: 0 to 50.
    Trained(u8), Field::PeopleTrained, 0, 50
);

/// What a contact says of the naloxone kits it handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaloxoneKits {
    pub form: KitForm,
    pub supply: KitSupply,
    pub trained: Trained,
}
