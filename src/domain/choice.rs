//! Fixed choices that records carry (who responded, the outcome of an
//! overdose…): a closed list known to every release, stored by a stable
//! key, labelled in both languages, and parsed with a message that lists
//! what is allowed. Lists an organization edits live in the catalog.

/// Declares an enum of choices: `Variant => "key", Msg::Label`.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $field:expr, { $($variant:ident => $key:literal, $msg:ident;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $key)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable key records, flags and reports use.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }

            pub fn label(self, lang: $crate::domain::Lang) -> &'static str {
                match self {
                    $($name::$variant => $crate::domain::Msg::$msg,)+
                }
                .text(lang)
            }

            pub fn parse(text: &str) -> Result<$name, $crate::domain::FieldError> {
                let text = text.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|choice| choice.key() == text)
                    .ok_or_else(|| {
                        $crate::domain::FieldError::new(
                            $field,
                            $crate::domain::Problem::UnknownId {
                                value: text.to_string(),
                                allowed: $name::ALL.iter().map(|c| c.key().to_string()).collect(),
                            },
                        )
                    })
            }
        }
    };
}

pub(crate) use choice;
