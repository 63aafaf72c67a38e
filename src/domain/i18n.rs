//! Every word a person reads, in French (the default) and English, side by side.
//!
//! Messages are one table so that a message cannot exist in one language
//! only: the macro takes both texts or does not compile. Placeholders are
//! written `{name}` and filled by [`tr`]; a test checks that both languages
//! use the same placeholders.

use super::escape::printable;
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// The language a person reads. French first: Tournée is made in Québec.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// Accepts `fr` or `en` (any case, region suffix ignored: `fr-CA`).
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        match lower.split(['-', '_']).next() {
            Some("fr") => Some(Lang::Fr),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// Declares a bilingual table: `messages! { Name; Key => "fr", "en"; ... }`
/// makes `enum Name` with `ALL` and `text(lang)`. Other layers (the
/// dashboard) keep their own tables with it, checked by [`check_table`].
macro_rules! messages {
    ($enum:ident; $( $name:ident => $fr:literal, $en:literal; )*) => {
        /// A user-facing text; `text` gives it in a language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $enum { $($name,)* }

        impl $enum {
            pub const ALL: &'static [$enum] = &[$($enum::$name,)*];

            pub fn text(self, lang: $crate::domain::i18n::Lang) -> &'static str {
                use $crate::domain::i18n::Lang;
                match (self, lang) {
                    $(($enum::$name, Lang::Fr) => $fr, ($enum::$name, Lang::En) => $en,)*
                }
            }
        }
    };
}
// Used by the command line and the dashboard, which the web build lacks.
#[cfg_attr(target_arch = "wasm32", allow(unused_imports))]
pub(crate) use messages;

messages! {
    Msg;
    // Field names, as a worker knows them.
    FieldOccurredAt => "date et heure", "date and time";
    FieldZone => "zone", "zone";
    FieldKind => "type de contact", "contact kind";
    FieldPeople => "nombre de personnes", "number of people";
    FieldAgeBand => "tranche d'âge", "age band";
    FieldGender => "genre", "gender";
    FieldMaterials => "matériel remis", "materials given";
    FieldReturnedSyringes => "seringues récupérées", "returned syringes";
    FieldReferrals => "références", "referrals";
    FieldInterventions => "interventions", "interventions";
    FieldPersonCode => "code de la personne", "person code";
    FieldDuration => "durée (minutes)", "duration (minutes)";
    FieldLocationType => "type de lieu", "location type";
    FieldResponders => "qui est intervenu", "who responded";
    FieldNasalDoses => "doses de naloxone par voie nasale", "naloxone doses, nasal";
    FieldInjectedDoses => "doses de naloxone injectées", "naloxone doses, injected";
    FieldCall911 => "appel au 911", "911 call";
    FieldOutcome => "issue", "outcome";
    FieldSubstances => "substances soupçonnées", "suspected substances";
    FieldTeamSize => "taille de l'équipe", "team size";
    FieldShiftEnd => "fin de la tournée", "end of the shift";
    FieldIncidentType => "type d'incident", "incident type";
    FieldContactMode => "mode de contact", "contact mode";
    FieldMaterialsForOthers => "matériel pour d'autres personnes", "materials for others";
    FieldKitForm => "forme des trousses de naloxone", "naloxone kit form";
    FieldKitSupply => "première trousse ou remplacement", "first kit or replacement";
    FieldPeopleTrained => "personnes formées à la naloxone", "people trained in naloxone";
    KitFormNasal => "Nasale", "Nasal";
    KitFormInjectable => "Injectable", "Injectable";
    AppForOthers => "Pour d'autres personnes", "For others";
    AppAddForOthers => "Matériel pour d'autres personnes…", "Materials for others…";
    AppNaloxone => "Trousses de naloxone remises", "Naloxone kits handed out";
    AppTrainedLess => "Une personne formée de moins", "One person trained fewer";
    AppTrainedMore => "Une personne formée de plus", "One more person trained";
    PeopleOne => "{value} personne", "{value} person";
    PeopleMany => "{value} personnes", "{value} people";
    KitsOne => "{value} trousse", "{value} kit";
    KitsMany => "{value} trousses", "{value} kits";
    TrainedOne => "{value} personne formée", "{value} person trained";
    TrainedMany => "{value} personnes formées", "{value} people trained";
    KitSupplyFirst => "Première trousse", "First kit";
    KitSupplyUsed => "Remplacement : utilisée", "Replacement: used";
    KitSupplyLost => "Remplacement : perdue", "Replacement: lost";
    KitSupplyStolen => "Remplacement : volée", "Replacement: stolen";
    KitSupplyConfiscated => "Remplacement : confisquée", "Replacement: confiscated";
    KitSupplyExpired => "Remplacement : expirée", "Replacement: expired";
    KitSupplyOther => "Remplacement : autre raison", "Replacement: other reason";
    ShiftEndWorker => "Terminée par l'équipe", "Ended by the team";
    ShiftEndDayOver => "Terminée à la fin de la journée (fin oubliée)", "Ended with the day (end not tapped)";
    ResponderWorker => "Intervenante ou intervenant", "Worker";
    ResponderPeer => "Pair aidant", "Peer";
    ResponderBystander => "Témoin", "Bystander";
    Call911Called => "911 appelé", "911 called";
    Call911FearOfPolice => "Pas appelé : peur de la police", "Not called: fear of police";
    Call911Recovered => "Pas appelé : la personne a repris conscience", "Not called: the person recovered";
    Call911Refused => "Pas appelé : refusé", "Not called: refused";
    Call911Other => "Pas appelé : autre raison", "Not called: other reason";
    OutcomeRecoveredOnSite => "Rétablie sur place", "Recovered on site";
    OutcomeTransported => "Transportée à l'hôpital", "Transported to hospital";
    OutcomeRefusedTransport => "A refusé le transport", "Refused transport";
    OutcomeDeath => "Décès", "Death";
    OutcomeUnknown => "Inconnue", "Unknown";
    FieldRecordId => "identifiant d'enregistrement", "record id";
    FieldPin => "NIP", "PIN";
    FieldCsvColumns => "colonnes du fichier", "file columns";
    FieldCsvFile => "fichier CSV", "CSV file";
    FieldServer => "adresse du serveur", "server address";

    // What is wrong with a field.
    ProblemRequired => "{field} : obligatoire.", "{field}: required.";
    ProblemUnknownId => "{field} : « {value} » n'existe pas. Valeurs permises : {allowed}.",
        "{field}: \"{value}\" does not exist. Allowed: {allowed}.";
    ProblemRetired => "{field} : « {value} » a été retiré de la liste. Valeurs permises : {allowed}.",
        "{field}: \"{value}\" has been retired from the list. Allowed: {allowed}.";
    ProblemOutOfRange => "{field} : {value} est hors limites. Permis : de {min} à {max}.",
        "{field}: {value} is out of range. Allowed: {min} to {max}.";
    ProblemNotANumber => "{field} : « {value} » n'est pas un nombre entier. Permis : de {min} à {max}.",
        "{field}: \"{value}\" is not a whole number. Allowed: {min} to {max}.";
    ProblemBadDateTime => "{field} : « {value} » n'est pas une date valide. Format : 2026-11-21T23:30:00-05:00 ou 2026-11-21 23:30.",
        "{field}: \"{value}\" is not a valid date. Format: 2026-11-21T23:30:00-05:00 or 2026-11-21 23:30.";
    ProblemTooFarInFuture => "{field} : {value} est plus de 24 h dans le futur. Vérifiez la date et l'heure du téléphone.",
        "{field}: {value} is more than 24 h in the future. Check the phone's date and time.";
    ProblemTooFarInPast => "{field} : {value} remonte à plus d'un an. Permis : la dernière année.",
        "{field}: {value} is more than a year ago. Allowed: the last year.";
    ProblemGroupNeedsTwo => "{field} : un contact de groupe compte au moins 2 personnes.",
        "{field}: a group contact counts at least 2 people.";
    ProblemNoKits => "{field} : ce contact ne remet aucune trousse de naloxone ({material}). Ajoutez les trousses remises, ou retirez le détail.",
        "{field}: this contact hands out no naloxone kit ({material}). Add the kits handed out, or remove the detail.";
    ProblemDuplicate => "{field} : « {value} » apparaît deux fois.",
        "{field}: \"{value}\" appears twice.";
    ProblemBadPair => "{field} : « {value} » doit s'écrire id=quantité, par exemple seringues=10.",
        "{field}: \"{value}\" must be written id=quantity, for example seringues=10.";
    ProblemCodeLength => "{field} : le code doit compter de {min} à {max} lettres ou chiffres (accents, espaces et ponctuation ignorés).",
        "{field}: the code must have {min} to {max} letters or digits (accents, spaces and punctuation are ignored).";
    ProblemBadRecordId => "{field} : « {value} » n'est pas un identifiant d'enregistrement (format 0190a3c4-…).",
        "{field}: \"{value}\" is not a record id (format 0190a3c4-…).";
    ProblemTooLong => "{field} : de {min} à {max} caractères.", "{field}: {min} to {max} characters.";
    ProblemBadColumns => "{field} : colonnes attendues : {allowed}. Reçu : {value}.",
        "{field}: expected columns: {allowed}. Found: {value}.";
    ProblemLineTooLong => "{field} : cette ligne dépasse {max} Kio. Permis : au plus {max} Kio par ligne (une ligne de feuille de compilation en fait bien moins). Est-ce bien un fichier CSV?",
        "{field}: this line is longer than {max} KiB. Allowed: at most {max} KiB a line (a tally sheet row is far shorter). Is this really a CSV file?";
    ProblemFileTooLarge => "{field} : le fichier dépasse {max} Mio. Permis : au plus {max} Mio par fichier; coupez-le en plusieurs fichiers.",
        "{field}: the file is larger than {max} MiB. Allowed: at most {max} MiB a file; split it into several files.";
    ProblemTooManyRows => "{field} : plus de {max} contacts. Permis : au plus {max} contacts par fichier; coupez-le en plusieurs fichiers.",
        "{field}: more than {max} contacts. Allowed: at most {max} contacts a file; split it into several files.";
    ProblemNotUtf8 => "{field} : cette ligne n'est pas du texte UTF-8. Permis : un fichier enregistré en « CSV UTF-8 ».",
        "{field}: this line is not UTF-8 text. Allowed: a file saved as \"CSV UTF-8\".";
    ProblemColumnCount => "{field} : cette ligne a {found} colonnes et l'en-tête en a {expected}. Permis : autant de colonnes que l'en-tête (une virgule dans un champ se met entre guillemets).",
        "{field}: this line has {found} columns and the header has {expected}. Allowed: as many columns as the header (a comma inside a field goes between double quotes).";
    ProblemBadAddress => "{field} : « {value} » n'est pas une adresse de serveur. Permis : http:// ou https:// suivi d'un nom d'hôte ou d'une adresse IP, avec au besoin un port et un chemin, par exemple https://tournee.exemple.org.",
        "{field}: \"{value}\" is not a server address. Allowed: http:// or https:// followed by a host name or an IP address, with a port and a path if needed, for example https://tournee.example.org.";
    ProblemWeakPin => "{field} : au moins {digits} chiffres, ou une phrase de passe d'au moins {chars} caractères dont au moins une lettre.",
        "{field}: at least {digits} digits, or a passphrase of at least {chars} characters including at least one letter.";

    // The device store.
    WrongPin => "NIP incorrect. Rien n'a été ouvert.", "Wrong PIN. Nothing was opened.";
    PinMismatch => "Les deux NIP ne correspondent pas. Rien n'a été changé.",
        "The two PINs do not match. Nothing was changed.";
    StoreMissing => "Aucun carnet sur cet appareil ({path}). Créez-le avec « tournee device init ».",
        "No store on this device ({path}). Create it with `tournee device init`.";
    StoreExists => "Un carnet existe déjà ici ({path}). Rien n'a été changé.",
        "A store already exists here ({path}). Nothing was changed.";
    StoreNewer => "Ce carnet vient d'une version plus récente de Tournée (schéma {value}). Mettez l'application à jour; rien n'a été changé.",
        "This store comes from a newer version of Tournée (schema {value}). Update the app; nothing was changed.";
    StoreDamaged => "Le carnet est illisible ({value}). Rien n'a été changé; gardez le fichier et contactez votre coordination.",
        "The store cannot be read ({value}). Nothing was changed; keep the file and contact your coordinator.";
    StoreIo => "Erreur d'accès au stockage : {value}. Rien n'a été enregistré.",
        "Storage error: {value}. Nothing was saved.";
    RecordNotFound => "Aucun enregistrement {value} dans ce carnet.", "No record {value} in this store.";
    AlreadyVoided => "L'enregistrement {value} est déjà retiré.", "Record {value} is already voided.";
    AlreadySent => "{value} a déjà été envoyé au serveur et effacé du téléphone. Demandez à la coordination de le retirer dans le tableau de bord.",
        "{value} was already sent to the server and erased from the phone. Ask your coordinator to void it on the dashboard.";
    CannotVoidVoid => "{value} est un retrait; on ne peut pas le retirer.",
        "{value} is a void; it cannot be voided.";
    NoShift => "Aucune tournée n'est commencée sur ce téléphone. Rien n'a été changé.",
        "No shift is under way on this phone. Nothing was changed.";
    AlreadyImported => "Ce fichier a déjà été importé. Rien n'a été importé une deuxième fois.",
        "This file was already imported. Nothing was imported a second time.";
    ImportRejected => "Aucun contact importé. Erreurs : {count}. Corrigez le fichier et recommencez.",
        "No contact imported. Errors: {count}. Fix the file and try again.";
    ImportLine => "ligne {line}", "line {line}";
    ImportOneMore => "… et 1 autre problème.", "… and 1 more problem.";
    ImportMore => "… et {count} autres problèmes.", "… and {count} more problems.";
    PinSource => "Aucun NIP : définissez TOURNEE_PIN ou lancez la commande dans un terminal.",
        "No PIN: set TOURNEE_PIN or run the command in a terminal.";
    PinWeakWarning => "Attention : ce NIP est trop court pour protéger le carnet si quelqu'un en copie le fichier. Changez-le avec « tournee device change-pin » (au moins {digits} chiffres, ou une phrase de passe d'au moins {chars} caractères dont au moins une lettre).",
        "Warning: this PIN is too short to protect the store if someone copies its file. Change it with `tournee device change-pin` (at least {digits} digits, or a passphrase of at least {chars} characters including at least one letter).";
    FileUnreadable => "Impossible de lire {path} : {value}.", "Cannot read {path}: {value}.";

    // Sync and enrollment: what happened and what to do.
    SyncNotEnrolled => "Pas encore inscrit : inscrivez ce téléphone avec un code de la coordination (« tournee device enroll »).",
        "Not enrolled yet: enroll this phone with a code from your coordinator (`tournee device enroll`).";
    SyncAlreadyEnrolled => "Ce téléphone est déjà inscrit. Rien n'a été changé.",
        "This phone is already enrolled. Nothing was changed.";
    SyncBadCode => "Code d'inscription illisible : vérifiez-le (42 lettres et chiffres, les tirets ne comptent pas).",
        "Unreadable enrollment code: check it (42 letters and digits; dashes do not matter).";
    SyncCodeRefused => "Le serveur refuse ce code : déjà utilisé, expiré ou inconnu. Demandez un nouveau code à la coordination.",
        "The server refuses this code: already used, expired or unknown. Ask your coordinator for a new code.";
    SyncTooManyAttempts => "Trop d'essais. Attendez quelques minutes avant de réessayer.",
        "Too many attempts. Wait a few minutes before trying again.";
    SyncWrongServer => "Le serveur ne correspond pas au code : ne continuez pas et avertissez la coordination. Rien n'a été enregistré.",
        "The server does not match the code: do not continue and tell your coordinator. Nothing was saved.";
    SyncOffline => "Pas de réseau ({value}). Vos contacts sont en sécurité sur le téléphone; ils partiront au retour du réseau.",
        "No network ({value}). Your contacts are safe on the phone; they will be sent when the network is back.";
    OfflineTimeout => "délai dépassé", "timed out";
    OfflineUnreachable => "serveur injoignable", "server unreachable";
    OfflineCut => "connexion interrompue", "connection cut";
    SyncRevoked => "Ce téléphone a été révoqué par l'organisme : rien n'est envoyé. Appelez la coordination; vos contacts restent sur le téléphone.",
        "This phone was revoked by the organization: nothing is sent. Call your coordinator; your contacts stay on the phone.";
    SyncNotTournee => "Le réseau a répondu autre chose que Tournée (souvent une page de connexion Wi-Fi) : connectez-vous au Wi-Fi ou changez de réseau, puis réessayez. Rien n'a été effacé.",
        "The network answered with something that is not Tournée (often a Wi-Fi sign-in page): sign in to the Wi-Fi or change networks, then try again. Nothing was erased.";
    SyncRefused => "Le serveur a refusé l'envoi (HTTP {value}). Rien n'a été effacé; réessayez plus tard ou avertissez la coordination.",
        "The server refused the upload (HTTP {value}). Nothing was erased; try again later or tell your coordinator.";
    SyncBadReceipt => "Le reçu du serveur n'est pas valide : quelque chose sur le réseau a modifié la réponse. Rien n'a été effacé; l'envoi sera repris.",
        "The server's receipt is not valid: something on the network changed the answer. Nothing was erased; the upload will be retried.";
    SyncClient => "Ce téléphone n'arrive pas à préparer une connexion sécurisée (TLS). Rien n'a été envoyé ni effacé; redémarrez l'application, et avertissez la coordination si cela se répète.",
        "This phone cannot set up a secure connection (TLS). Nothing was sent or erased; restart the app, and tell your coordinator if it happens again.";
    SyncLocked => "Le téléphone s'est verrouillé pendant l'envoi. Rien n'est perdu : l'envoi reprendra après le déverrouillage.",
        "The phone locked during the sync. Nothing is lost: sending resumes after you unlock.";
    SyncStorage => "Erreur de stockage pendant la synchronisation : {value}.", "Storage error during sync: {value}.";
    Enrolled => "Inscrit auprès de {value} (appareil {id}).", "Enrolled with {value} (device {id}).";
    Synced => "Synchronisé. Lots livrés : {count} ; en attente : {value}.", "Synced. Batches delivered: {count}; waiting: {value}.";
    Exported => "Lots scellés écrits dans {path} : {count}. Remettez ce fichier à la coordination.",
        "Sealed batches written to {path}: {count}. Hand this file to your coordinator.";
    StatusBatches => "Lots scellés en attente : {count}.", "Sealed batches waiting: {count}.";
    StatusLastSync => "Dernière synchronisation réussie : {value}.", "Last successful sync: {value}.";
    StatusNeverSynced => "Jamais synchronisé.", "Never synced.";
    StatusLastError => "Dernier problème : {value}", "Last problem: {value}";
    StatusServer => "Serveur : {value} (appareil {id}).", "Server: {value} (device {id}).";

    QuarantineEmpty => "Aucun lot en quarantaine.", "No batch in quarantine.";
    Reapplied => "Lots appliqués : {count} ; encore en quarantaine : {value}.", "Batches applied: {count}; still in quarantine: {value}.";
    ReportNoData => "Aucune donnée de serveur dans {path}. Indiquez le dossier avec --data.", "No server data in {path}. Give the directory with --data.";
    ReportBadMonth => "mois (--month) : « {value} » n'est pas un mois. Format : 2026-11.", "month (--month): \"{value}\" is not a month. Format: 2026-11.";

    // Command results.
    StoreCreated => "Carnet créé dans {path}.", "Store created in {path}.";
    Saved => "Enregistré : {value}", "Saved: {value}";
    VoidSaved => "Retiré : {value} (retrait {id})", "Voided: {value} (void {id})";
    PinChanged => "NIP changé.", "PIN changed.";
    Imported => "Contacts importés : {count}.", "Contacts imported: {count}.";
    StatusWaiting => "Enregistrements en attente d'envoi : {count}.", "Records waiting to be sent: {count}.";
    StatusToday => "Contacts aujourd'hui : {count} ; personnes rejointes : {value}.",
        "Contacts today: {count}; people reached: {value}.";
    StatusNotEnrolled => "Pas encore inscrit auprès d'un serveur : tout reste sur l'appareil, chiffré.",
        "Not enrolled with a server yet: everything stays on the device, encrypted.";
    StatusCatalog => "Listes : version {value}.", "Lists: version {value}.";
    ListEmpty => "Aucun enregistrement.", "No records.";
    Voided => "retiré", "voided";
    VoidOf => "retrait de {value}", "void of {value}";
    OverdoseResponse => "Surdose", "Overdose";
    ShiftRecord => "Tournée", "Shift";
    ShiftStarted => "Tournée commencée à {value}.", "Shift started at {value}.";
    ShiftTeam => "Équipe : {count}", "Team: {count}";
    IncidentRecord => "Incident", "Incident";
    NaloxoneDose => "naloxone : {value} dose", "naloxone: {value} dose";
    NaloxoneDoses => "naloxone : {value} doses", "naloxone: {value} doses";
    People => "pers.", "people";
    WithCode => "avec code", "with code";
    Retired => "(retiré)", "(retired)";
    PromptPin => "NIP : ", "PIN: ";
    PromptPinAgain => "Confirmez le NIP : ", "Confirm the PIN: ";
    PromptNewPin => "Nouveau NIP : ", "New PIN: ";
    PromptNewPinAgain => "Confirmez le nouveau NIP : ", "Confirm the new PIN: ";
    ErrorPrefix => "erreur", "error";

    // Contact kinds and catalog sections.
    KindFirst => "Premier contact", "First contact";
    KindKnown => "Personne connue", "Known person";
    KindGroup => "Groupe", "Group";
    SectionMaterials => "Matériel", "Materials";
    SectionZones => "Zones", "Zones";
    SectionReferrals => "Références", "Referrals";
    SectionInterventions => "Interventions", "Interventions";
    SectionAgeBands => "Tranches d'âge", "Age bands";
    SectionGenders => "Genres", "Genders";
    SectionLocationTypes => "Types de lieux", "Location types";
    SectionSubstances => "Substances soupçonnées", "Suspected substances";
    SectionIncidentTypes => "Types d'incidents", "Incident types";
    SectionContactModes => "Modes de contact", "Contact modes";

    // The server and its supervisor commands.
    ServerNewer => "Cette base de données vient d'une version plus récente de Tournée (schéma {value}). Mettez le serveur à jour; rien n'a été changé.",
        "This database comes from a newer version of Tournée (schema {value}). Update the server; nothing was changed.";
    ServerKeysDamaged => "Les clés du serveur sont illisibles ({value}). Rien n'a été changé; restaurez le dossier keys depuis une sauvegarde.",
        "The server's keys cannot be read ({value}). Nothing was changed; restore the keys folder from a backup.";
    ServerHostKey => "La clé de l'hôte ne convient pas ({value}). Rien n'a été changé; donnez à Tournée le fichier de clé de cet hôte (variable TOURNEE_HOST_KEY), depuis sa sauvegarde au besoin.",
        "The host key does not fit ({value}). Nothing was changed; give Tournée this host's key file (variable TOURNEE_HOST_KEY), from its backup if need be.";
    ServerStorage => "Erreur de stockage du serveur : {value}. Rien n'a été enregistré.",
        "Server storage error: {value}. Nothing was saved.";
    ServerUnknownDevice => "Aucun appareil {value} n'est inscrit sur ce serveur. Voyez « tournee admin list-devices ».",
        "No device {value} is enrolled on this server. See `tournee admin list-devices`.";
    ServerUnknownOrg => "L'organisme {value} n'est pas hébergé sur ce serveur.",
        "Organization {value} is not hosted on this server.";
    ServerBadSlug => "Identifiant d'organisme « {value} » : de 2 à {max} lettres minuscules sans accent, chiffres ou traits d'union, commençant par une lettre (par exemple rue-action); « region » est réservé.",
        "Organization slug \"{value}\": 2 to {max} unaccented lowercase letters, digits or hyphens, starting with a letter (for example rue-action); \"region\" is reserved.";
    ServerOrgName => "Nom de l'organisme : de 1 à {max} caractères, sans caractères de contrôle.",
        "Organization name: 1 to {max} characters, no control characters.";
    ServerSlugTaken => "Un organisme s'appelle déjà « {value} » sur ce serveur. Rien n'a été créé.",
        "An organization named \"{value}\" is already hosted here. Nothing was created.";
    ServerUnknownSlug => "Aucun organisme « {value} » n'est hébergé sur ce serveur. Voyez « tournee admin list-orgs ».",
        "No organization \"{value}\" is hosted on this server. See `tournee admin list-orgs`.";
    ServerOrgHosted => "L'organisme {value} est déjà hébergé sur ce serveur : rien n'a été déplacé.", "Organization {value} is already hosted on this server: nothing was moved.";
    ServerBadHostName => "Nom d'hôte « {value} » : des mots de lettres minuscules sans accent, de chiffres ou de traits d'union, séparés par des points (par exemple tournee.cactus.org), et non une adresse IP.",
        "Host name \"{value}\": words of unaccented lowercase letters, digits or hyphens separated by dots (for example tournee.cactus.org), not an IP address.";
    ServerHostNameTaken => "Le nom d'hôte « {value} » désigne déjà un organisme de ce serveur. Rien n'a été changé.",
        "The host name \"{value}\" already names an organization on this server. Nothing was changed.";
    ServerDatabaseUnreachable => "La base de données du serveur ne répond pas ({value}). Rien n'a été enregistré; vérifiez l'adresse et que PostgreSQL tourne.",
        "The server's database does not answer ({value}). Nothing was saved; check the address and that PostgreSQL is running.";
    ServerBadDeviceId => "« {value} » n'est pas un identifiant d'appareil (format 0190a3c4-…).",
        "\"{value}\" is not a device id (format 0190a3c4-…).";
    ServerBadTtl => "Durée de validité : de 0 à {max} heures.", "Validity: 0 to {max} hours.";
    ServerLabelTooLong => "Libellé : au plus {max} caractères, sans caractères de contrôle.",
        "Label: at most {max} characters, no control characters.";
    ServerBadHandFile => "Ce n'est pas un fichier de lots Tournée ({value}). Rien n'a été importé.",
        "This is not a Tournée batch file ({value}). Nothing was imported.";
    IngestTooLarge => "enveloppe de plus de 1 Mio", "envelope over 1 MiB";
    IngestMalformed => "ce n'est pas une enveloppe Tournée lisible ({value})",
        "not a readable Tournée envelope ({value})";
    IngestUnknownDevice => "appareil inconnu de ce serveur", "device unknown to this server";
    IngestRevoked => "appareil révoqué", "device revoked";
    IngestBadSignature => "la signature ne correspond pas à l'appareil inscrit",
        "the signature does not match the enrolled device";
    IngestWrongOrganization => "lot destiné à un autre organisme", "batch meant for another organization";
    IngestUnknownKey => "lot scellé avec une clé que ce serveur n'a pas",
        "batch sealed with a key this server does not have";
    IngestEquivocation => "un autre lot porte déjà ce numéro pour cet appareil (alerte enregistrée)",
        "another batch already has this number for this device (alert recorded)";
    HostNeedsOrg => "Sur un serveur régional (--database), nommez l'organisme avec --org IDENTIFIANT (voyez « tournee admin --database … list-orgs »).", "On a regional host (--database), name the organization with --org SLUG (see `tournee admin --database … list-orgs`).";
    HostNeedsDatabase => "Cette commande concerne un serveur régional : donnez l'adresse de sa base de données avec --database postgres://….", "This command is for a regional host: give its database's address with --database postgres://….";
    HostOrgCreated => "Organisme {value} créé ({slug}), avec ses propres clés. Empreinte de sa clé de signature : {key}", "Organization {value} created ({slug}), with keys of its own. Its signing key's fingerprint: {key}";
    HostMigrated => "{value} est maintenant hébergé comme {slug}, avec ses clés : ses téléphones continuent de synchroniser dès que son ancien nom d'hôte mène au serveur régional (« tournee admin --database … --org {slug} add-name NOM »). Le dossier n'a pas été modifié; arrêtez le serveur qui le servait.", "{value} is now hosted as {slug}, with its keys: its phones keep syncing once its old host name leads to the regional host (`tournee admin --database … --org {slug} add-name NAME`). The directory was left as it was; stop the server that served it.";
    HostNameAdded => "{value} sert maintenant l'organisme {slug}.", "{value} now serves the organization {slug}.";
    HostNoOrganization => "Ce serveur n'héberge encore aucun organisme : créez-en un avec « tournee admin --database … create-org IDENTIFIANT --name \"Nom\" ».", "This server hosts no organization yet: create one with `tournee admin --database … create-org SLUG --name \"Name\"`.";
    HostServes => "Organisme {value} ({slug}) : {names}", "Organization {value} ({slug}): {names}";
    HostNoName => "aucun nom d'hôte (ajoutez-en un avec « tournee admin --database … --org IDENTIFIANT add-name NOM »)", "no host name (add one with `tournee admin --database … --org SLUG add-name NAME`)";
    ServeListening => "Serveur Tournée à l'écoute sur http://{value}", "Tournée server listening on http://{value}";
    ServeWebApp => "Application hors ligne des téléphones : http://{value}/app/ (les téléphones ont besoin de HTTPS devant ce serveur)", "Phones' offline app: http://{value}/app/ (phones need HTTPS in front of this server)";
    ServeNoWebApp => "Attention : ce serveur n'a pas l'application hors ligne ({value}) ; /app/ explique comment l'ajouter.", "Warning: this server has no offline app ({value}); /app/ says how to add it.";
    ServeIdentity => "Organisme : {value} ({id}). Empreinte de la clé de signature : {key}",
        "Organization: {value} ({id}). Signing key fingerprint: {key}";
    ServeStopped => "Serveur arrêté proprement.", "Server stopped cleanly.";
    ServeCannotListen => "Impossible d'écouter sur {addr} : {value}.", "Cannot listen on {addr}: {value}.";
    ServerBusy => "Le serveur a trop de connexions ouvertes. Réessayez dans quelques secondes.",
        "The server has too many open connections. Try again in a few seconds.";
    CodeCreated => "Code d'inscription « {label} » : valide {hours} h, utilisable une seule fois.",
        "Enrollment code \"{label}\": valid {hours} h, usable once.";
    CodeInstructions => "Sur le téléphone, entrez ce code (tirets et majuscules facultatifs) :",
        "On the phone, enter this code (dashes and capitals optional):";
    NoLabel => "(sans libellé)", "(no label)";
    DeviceRevoked => "Appareil {value} révoqué : ses prochains envois seront refusés.",
        "Device {value} revoked: its next uploads will be refused.";
    DevicesNone => "Aucun appareil inscrit.", "No device enrolled.";
    ColDevice => "appareil", "device";
    ColLabel => "libellé", "label";
    ColEnrolled => "inscrit", "enrolled";
    ColLastSeen => "dernier envoi", "last upload";
    ColState => "état", "state";
    ColBatches => "lots", "batches";
    ColRecords => "enreg.", "records";
    StateActive => "actif", "active";
    StateRevoked => "révoqué", "revoked";
    Never => "jamais", "never";
    BatchStored => "seq {seq}, lot {id} : enregistré", "seq {seq}, batch {id}: stored";
    BatchDuplicate => "seq {seq}, lot {id} : déjà reçu (doublon)", "seq {seq}, batch {id}: already stored (duplicate)";
    BatchRefused => "seq {seq}, lot {id} : refusé — {value}", "seq {seq}, batch {id}: refused — {value}";
    EnvelopeRefused => "enveloppe n° {line} : refusée — {value}", "envelope no. {line}: refused — {value}";
    ImportSummary => "Lots enregistrés : {stored} ; déjà reçus : {duplicate} ; refusés : {count}.",
        "Batches stored: {stored}; already stored: {duplicate}; refused: {count}.";
    ImportSomeRefused => "Lots refusés : {count} ; voyez les lignes ci-dessus. Les autres sont enregistrés.",
        "Batches refused: {count}; see the lines above. The others are stored.";
    AlertsNone => "Aucune alerte.", "No alerts.";
    AlertEquivocation => "{at} — appareil {device}, seq {seq} : deux lots différents signés sous le même numéro ({value}). La clé de l'appareil est peut-être copiée : révoquez-le et réinscrivez-le.",
        "{at} — device {device}, seq {seq}: two different batches signed under the same number ({value}). The device key may have been copied: revoke it and enroll it again.";
    AlertOffers => "  Un lot différent a été proposé {count} fois sous ce numéro, la dernière fois le {at}.",
        "  A different batch was offered {count} times under this number, last on {at}.";

    // Server settings (file, environment): which key, what is allowed.
    ConfigKeyInFile => "{key} dans {path}", "{key} in {path}";
    ConfigKeyInEnv => "variable d'environnement {key}", "environment variable {key}";
    ConfigUnreadable => "Impossible de lire le fichier de configuration {path} : {value}. Rien n'a été démarré.",
        "Cannot read the configuration file {path}: {value}. Nothing was started.";
    ConfigSyntax => "Le fichier de configuration {path} n'est pas du TOML valide : {value}",
        "The configuration file {path} is not valid TOML: {value}";
    ConfigUnknownKey => "Réglage inconnu : {key}. Réglages connus : {allowed}.",
        "Unknown setting: {key}. Known settings: {allowed}.";
    ConfigNotASection => "{key} : une section s'écrit entre crochets, [nom], suivie de ses clés.",
        "{key}: a section is written in brackets, [name], followed by its keys.";
    ConfigBadValue => "{key} : « {value} » n'est pas permis. Permis : {allowed}.",
        "{key}: \"{value}\" is not allowed. Allowed: {allowed}.";
    AllowedAddress => "une adresse IP et un port, par exemple 127.0.0.1:8080 ou [::]:8080 (port 0 : un port libre)",
        "an IP address and port, for example 127.0.0.1:8080 or [::]:8080 (port 0: any free port)";
    AllowedPath => "un chemin de dossier non vide", "a non-empty directory path";
    AllowedName => "de 1 à {max} caractères, sans caractères de contrôle",
        "1 to {max} characters, no control characters";
    AllowedFlag => "true ou false", "true or false";
    AllowedWhole => "un nombre entier de {min} à {max}", "a whole number from {min} to {max}";
    AllowedOneOf => "{first} ou {second}", "{first} or {second}";

    // Supervisor accounts and sealing keys.
    SupervisorBadName => "Nom du compte de supervision : de 1 à {max} caractères, sans caractères de contrôle. Rien n'a été enregistré.",
        "Supervisor name: 1 to {max} characters, no control characters. Nothing was saved.";
    PasswordTooShort => "Mot de passe trop court : au moins {min} caractères (une phrase de quelques mots se retient mieux). Rien n'a été enregistré.",
        "Password too short: at least {min} characters (a phrase of a few words is easier to remember). Nothing was saved.";
    PasswordTooLong => "Mot de passe trop long : au plus {max} caractères. Rien n'a été enregistré.",
        "Password too long: at most {max} characters. Nothing was saved.";
    PasswordMismatch => "Les deux mots de passe ne correspondent pas. Rien n'a été enregistré.",
        "The two passwords do not match. Nothing was saved.";
    PasswordSource => "Aucun mot de passe : donnez-le sur l'entrée standard (première ligne) ou lancez la commande dans un terminal.",
        "No password: give it on standard input (first line) or run the command in a terminal.";
    PromptPassword => "Mot de passe (au moins {min} caractères) : ", "Password (at least {min} characters): ";
    PromptPasswordAgain => "Mot de passe (encore) : ", "Password (again): ";
    SupervisorExists => "Un compte de supervision « {value} » existe déjà (majuscules et minuscules se confondent). Rien n'a été changé.",
        "A supervisor account \"{value}\" already exists (capitals do not count). Nothing was changed.";
    SupervisorUnknown => "Aucun compte de supervision « {value} ». Voyez « tournee admin list-supervisors ».",
        "No supervisor account \"{value}\". See `tournee admin list-supervisors`.";
    SupervisorCreated => "Compte de supervision « {value} » créé.", "Supervisor account \"{value}\" created.";
    SupervisorDisabled => "Compte de supervision « {value} » désactivé : il ne peut plus se connecter.",
        "Supervisor account \"{value}\" disabled: it can no longer sign in.";
    SupervisorsNone => "Aucun compte de supervision.", "No supervisor account.";
    ColName => "nom", "name";
    ColCreated => "créé", "created";
    StateDisabled => "désactivé", "disabled";
    FirstSupervisor => "Aucun compte de supervision pour l'instant. Créez le premier avec (le mot de passe est demandé) :",
        "No supervisor account yet. Create the first one with (the password is asked for):";
    FirstSupervisorCommand => "  tournee admin --data {path} create-supervisor NOM",
        "  tournee admin --data {path} create-supervisor NAME";
    SealKeyRotated => "Nouvelle clé de scellement {value} : elle sert aux prochaines inscriptions dès le redémarrage du serveur. Les anciennes clés restent pour ouvrir les lots en retard; les téléphones déjà inscrits scellent avec la leur jusqu'à leur réinscription.",
        "New sealing key {value}: new enrollments get it once the server restarts. Old keys stay to open late batches; phones already enrolled seal to theirs until they are enrolled again.";
    // The worker app (src/app): screens, buttons, the sync chip.
    AppLock => "Verrouiller", "Lock";
    AppUnlockTitle => "Tournée est verrouillé", "Tournée is locked";
    AppUnlockPrompt => "Entrez votre NIP pour continuer.", "Enter your PIN to continue.";
    AppUnlock => "Ouvrir", "Open";
    AppFirstRunTitle => "Bienvenue dans Tournée", "Welcome to Tournée";
    AppFirstRunIntro => "Choisissez un NIP d'au moins {digits} chiffres, ou une phrase de passe d'au moins {chars} caractères dont au moins une lettre. Il protège les contacts sur ce téléphone; personne ne peut le retrouver si vous l'oubliez.",
        "Choose a PIN of at least {digits} digits, or a passphrase of at least {chars} characters including at least one letter. It protects the contacts on this phone; nobody can recover it if you forget it.";
    AppPinAgain => "Confirmez le NIP", "Confirm the PIN";
    AppContinueOffline => "Continuer hors ligne", "Continue offline";
    AppOfflineNote => "Vous pourrez inscrire ce téléphone auprès de l'organisme plus tard; d'ici là, tout reste chiffré sur l'appareil.",
        "You can enroll this phone with your organization later; until then, everything stays encrypted on the device.";
    NavHome => "Accueil", "Home";
    NavToday => "Aujourd'hui", "Today";
    NavSync => "Envoi", "Sync";
    NavSettings => "Réglages", "Settings";
    AppNewContact => "Nouveau contact", "New contact";
    AppRepeatLast => "Répéter le dernier", "Repeat the last";
    AppTodayCounts => "Contacts aujourd'hui : {count} · personnes : {value}", "Contacts today: {count} · people: {value}";
    ChipAllSent => "Tout est envoyé", "All sent";
    ChipNothingWaiting => "Rien en attente", "Nothing waiting";
    ChipWaiting => "{count} en attente", "{count} waiting";
    ChipLastSync => "dernier envoi {value}", "last sent {value}";
    ChipNeverSynced => "jamais envoyé", "never sent";
    ChipNotEnrolled => "Hors ligne : téléphone pas encore inscrit", "Offline: phone not enrolled yet";
    ChipOffline => "Hors ligne", "Offline";
    ChipProblem => "Problème d'envoi : voyez l'onglet Envoi", "Sending problem: see the Sync tab";
    ChipRevoked => "Téléphone révoqué : appelez la coordination", "Phone revoked: call your coordinator";
    ChipSyncing => "Envoi en cours…", "Sending…";
    RelJustNow => "à l'instant", "just now";
    RelMinutes => "il y a {count} min", "{count} min ago";
    RelHours => "il y a {count} h", "{count} h ago";
    RelDays => "il y a {count} j", "{count} days ago";
    AppSave => "Enregistrer", "Save";
    AppCancel => "Annuler", "Cancel";
    AppContactSaved => "Contact enregistré.", "Contact saved.";
    AppOverdose => "Surdose", "Overdose";
    AppOverdoseSaved => "Surdose enregistrée.", "Overdose response saved.";
    AppOverdoseDebrief => "Je veux un retour sur l'intervention", "I want a debriefing";
    AppFixFields => "Rien n'a été enregistré : corrigez les champs marqués.", "Nothing was saved: fix the marked fields.";
    AppCodeHint => "Facultatif. Le code n'est jamais réaffiché.", "Optional. The code is never shown again.";
    AppTodayEmpty => "Aucun contact aujourd'hui.", "No contacts today.";
    AppVoid => "Retirer ce contact", "Void this contact";
    AppVoidConfirm => "Retirer ce contact? Il sera retiré des chiffres et le retrait sera envoyé au serveur.",
        "Void this contact? It will be taken out of the figures and the void will be sent to the server.";
    AppVoidOverdose => "Retirer cette surdose", "Void this overdose response";
    AppVoidOverdoseConfirm => "Retirer cette surdose? Elle sera retirée des chiffres et le retrait sera envoyé au serveur.",
        "Void this overdose response? It will be taken out of the figures and the void will be sent to the server.";
    AppOverdoseVoided => "Surdose retirée.", "Overdose response voided.";
    AppStartShift => "Début de tournée", "Start of shift";
    AppEndShift => "Fin de tournée", "End of shift";
    AppOnShift => "En tournée depuis {value}", "On shift since {value}";
    AppTeamLess => "Une personne de moins dans l'équipe", "One fewer on the team";
    AppTeamMore => "Une personne de plus dans l'équipe", "One more on the team";
    AppShiftSaved => "Tournée enregistrée.", "Shift saved.";
    AppIncident => "Incident de sécurité", "Safety incident";
    AppIncidentDebrief => "Je veux en parler avec une ou un responsable", "I want to talk it over with a supervisor";
    AppIncidentSaved => "Incident enregistré. Il sera envoyé à votre équipe de supervision avec le prochain envoi.",
        "Incident saved. It goes to your supervisors with the next sending.";
    AppVoidShift => "Retirer cette tournée", "Void this shift";
    AppVoidShiftConfirm => "Retirer cette tournée? Ses heures seront retirées des chiffres et le retrait sera envoyé au serveur. Ses contacts restent.",
        "Void this shift? Its hours will be taken out of the figures and the void sent to the server. Its contacts stay.";
    AppShiftVoided => "Tournée retirée.", "Shift voided.";
    AppVoidIncident => "Retirer cet incident", "Void this incident";
    AppVoidIncidentConfirm => "Retirer cet incident? Il sera retiré des chiffres et le retrait sera envoyé au serveur.",
        "Void this incident? It will be taken out of the figures and the void sent to the server.";
    AppIncidentVoided => "Incident retiré.", "Incident voided.";
    AppVoidYes => "Oui, retirer", "Yes, void it";
    AppVoidNo => "Non, garder", "No, keep it";
    AppContactVoided => "Contact retiré.", "Contact voided.";
    AppSent => "envoyé", "sent";
    AppSyncNow => "Synchroniser maintenant", "Sync now";
    AppSyncStarted => "Envoi lancé; vous pouvez continuer à travailler.", "Sending started; you can keep working.";
    AppSyncDoneOne => "Dernier envoi réussi : {value} lot livré.", "Last send succeeded: {value} batch delivered.";
    AppSyncDoneMany => "Dernier envoi réussi : {value} lots livrés.", "Last send succeeded: {value} batches delivered.";
    AppSyncNothing => "Dernier envoi réussi : rien n'attendait.", "Last send succeeded: nothing was waiting.";
    AppLastReceipt => "Dernier reçu du serveur : {value}.", "Last receipt from the server: {value}.";
    AppExport => "Exporter vers un fichier", "Export to a file";
    SettingsLanguage => "Langue", "Language";
    SettingsAutoLock => "Verrouillage après inactivité", "Lock after inactivity";
    SettingsMinutes => "{count} min", "{count} min";
    SettingsTheme => "Thème", "Theme";
    SettingsDayEnd => "Fin de la journée de travail", "End of the work day";
    SettingsDayEndHelp => "Les contacts envoyés restent sur le téléphone, chiffrés, jusqu'à cette heure le lendemain matin : vous pouvez les revoir et les retirer.",
        "Sent contacts stay on the phone, encrypted, until this time the next morning: you can see them and void them.";
    ThemeDark => "Sombre", "Dark";
    ThemeLight => "Clair", "Light";
    SettingsStorage => "Stockage du navigateur", "Browser storage";
    SettingsPersisted => "Persistant : le navigateur ne l'effacera pas pour faire de la place.",
        "Persistent: the browser will not erase it to free space.";
    SettingsNotPersisted => "Non persistant : le navigateur peut l'effacer s'il manque de place. Ajoutez l'application à l'écran d'accueil (sur iPhone, c'est indispensable) et synchronisez souvent.",
        "Not persistent: the browser may erase it when short of space. Add the app to the Home Screen (on an iPhone you must) and sync often.";
    SettingsDevice => "Appareil", "Device";
    AppNext => "Suivant", "Next";
    AppOneLess => "Un de moins : {value}", "One fewer: {value}";
    AppOneMore => "Un de plus : {value}", "One more: {value}";
    AppMoreChoices => "Autres choix ({count})", "More choices ({count})";
    AppOtherMaterials => "Autres matériels ({count})", "Other materials ({count})";
    AppAddSome => "+{count} : {value}", "+{count}: {value}";
    AppQuantityOf => "Quantité : {value}", "Quantity: {value}";
    AppAddBundle => "Ajouter {value} : {what}", "Add {value}: {what}";
    AppBundles => "trousses prêtes et autres matériels", "ready-made kits and other materials";
    AppEnrollTitle => "Inscrire ce téléphone", "Enroll this phone";
    AppEnrollIntro => "Balayez le code QR de la coordination, ou entrez l'adresse du serveur et le code qu'elle vous donne.",
        "Scan your coordinator's QR code, or enter the server address and the code they give you.";
    AppServerAddress => "Adresse du serveur", "Server address";
    AppNoResources => "Le téléphone manque de ressources pour le moment : fermez d'autres applications et réessayez. Rien n'a été effacé.",
        "The phone is short of resources right now: close other apps and try again. Nothing was erased.";
    AppOpenElsewhere => "Tournée est déjà ouverte dans un autre onglet ou une autre fenêtre de ce navigateur. Fermez-la : cette page prendra le relais.",
        "Tournée is already open in another tab or window of this browser. Close it: this page will take over.";
    AppNotSecure => "Cette adresse n'est pas protégée (elle ne commence pas par https://) : le navigateur n'y garde aucune donnée, rien ne peut donc être enregistré ici. Ouvrez l'application à l'adresse en https:// que votre coordination vous a donnée.",
        "This address is not secure (it does not start with https://): the browser keeps no data for it, so nothing can be logged here. Open the app at the https:// address your coordinator gave you.";
    AppStorageUnavailable => "Ce navigateur ne peut pas garder les données de Tournée ({value}). Rien ne peut être enregistré ici : ouvrez l'application dans Chrome ou Safari, hors navigation privée.",
        "This browser cannot keep Tournée's data ({value}). Nothing can be logged here: open the app in Chrome or Safari, outside private browsing.";
    AppScan => "Balayer le code QR", "Scan the QR code";
    AppScanStop => "Arrêter la caméra", "Stop the camera";
    AppScanLooking => "Visez le code QR affiché par la coordination.",
        "Point the camera at the QR code your coordinator shows.";
    AppScanRead => "Code lu. Vérifiez l'adresse, puis touchez «\u{a0}Inscrire\u{a0}».",
        "Code read. Check the address, then tap \"Enroll\".";
    AppScanNotOurs => "Ce code QR n'est pas un code d'inscription Tournée.",
        "This QR code is not a Tournée enrollment code.";
    AppScanNoCamera => "Pas de caméra utilisable ici : tapez l'adresse et le code.",
        "No usable camera here: type the address and the code.";
    AppScanDenied => "L'accès à la caméra est refusé : autorisez-le, ou tapez l'adresse et le code.",
        "Camera access is refused: allow it, or type the address and the code.";
    AppEnrollCode => "Code d'inscription", "Enrollment code";
    AppPhoneLabel => "Nom du téléphone (facultatif)", "Phone name (optional)";
    AppEnroll => "Inscrire", "Enroll";
    AppEnrolling => "Inscription en cours…", "Enrolling…";
    AppCurrentPin => "NIP actuel", "Current PIN";
    AppNewPin => "Nouveau NIP", "New PIN";
    AppNewPinAgain => "Confirmez le nouveau NIP", "Confirm the new PIN";
    AppChangePin => "Changer le NIP", "Change the PIN";
    AppWipe => "Effacer cet appareil", "Wipe this device";
    AppWipeWarning => "Efface tous les contacts de ce téléphone, même ceux pas encore envoyés, et son inscription. Entrez votre NIP pour confirmer.",
        "Erases every contact on this phone, even those not sent yet, and its enrollment. Enter your PIN to confirm.";
    AppWiped => "Appareil effacé. Tournée repart de zéro.", "Device wiped. Tournée starts over.";
    AppListening => "Application Tournée sur http://{value}/app (Ctrl-C pour arrêter)", "Tournée app on http://{value}/app (Ctrl-C to stop)";
    AppPinWait => "Trop de NIP incorrects de suite. Attendez {value} avant de réessayer. Rien n'a été effacé.",
        "Too many wrong PINs in a row. Wait {value} before trying again. Nothing was erased.";
    AppPinLetters => "Phrase de passe (avec lettres)", "Passphrase (with letters)";
    AppPinRule => "Au moins {digits} chiffres, ou une phrase de passe d'au moins {chars} caractères dont au moins une lettre.",
        "At least {digits} digits, or a passphrase of at least {chars} characters including at least one letter.";
    AppSaferPinTitle => "Choisissez un NIP plus long", "Choose a longer PIN";
    AppSaferPinWhy => "Votre NIP est trop court : avec une copie des fichiers de ce téléphone, un ordinateur essaierait tous les NIP de 4 chiffres en moins d'une heure. Avec 6 chiffres, il lui faudrait cent fois plus de temps; avec une phrase de passe, bien plus encore.",
        "Your PIN is too short: with a copy of this phone's files, a computer would try every 4-digit PIN in under an hour. With 6 digits it would take a hundred times longer; with a passphrase, far longer still.";
    AppSaferPinKept => "Rien n'est perdu : seul le NIP change; vos contacts et l'inscription du téléphone restent tels quels.",
        "Nothing is lost: only the PIN changes; your contacts and the phone's enrollment stay as they are.";
    AppLater => "Plus tard", "Later";
    AppSaferPinLater => "Si vous remettez à plus tard, ce message reviendra à chaque déverrouillage.",
        "If you put it off, this message comes back at every unlock.";
    AppUnlocking => "Déverrouillage…", "Unlocking…";
    AppCreatingStore => "Préparation du coffre chiffré…", "Setting up encrypted storage…";
    AppCheckingPin => "Vérification du NIP…", "Checking the PIN…";
    AppContinue => "Continuer", "Continue";
    AppDurationHint => "Facultatif, de 1 à 720 minutes.", "Optional, 1 to 720 minutes.";
    AppReturnedCount => "Seringues récupérées {count}", "Returned syringes {count}";
    AppDurationCount => "{count} min", "{count} min";
    // Monthly reports, as printed for funders.
    ReportTitle => "Bilan mensuel — {month}", "Monthly report — {month}";
    ReportKeyFigures => "Chiffres clés", "Key figures";
    ReportFigure => "Indicateur", "Figure";
    ReportPreviousMonth => "Mois précédent ({month})", "Previous month ({month})";
    ReportSameMonthLastYear => "Même mois l'an dernier ({month})", "Same month last year ({month})";
    ReportPeriodTitle => "Bilan — {period}", "Report — {period}";
    ReportPreviousPeriod => "Période précédente ({period})", "Previous period ({period})";
    ReportSamePeriodLastYear => "Même période l'an dernier ({period})", "Same period last year ({period})";
    ReportNotAvailable => "« {missing} » : non disponible, le serveur ne gardait encore aucune donnée pour cette période ou n'en garde plus les codes de personne (ce n'est pas un zéro).",
        "\"{missing}\": not available, the server held no data for that period yet, or no longer keeps its person codes (it is not a zero).";
    ReportBadPeriod => "période (--period) : « {value} » n'est pas une période. Formats : 2026-11 (mois), 2026-Q3 (trimestre), FY2026-2027 (exercice d'avril à mars), FY2026-2027-Q1 (trimestre de l'exercice), YTD (exercice jusqu'à aujourd'hui), 2026-04-01..2026-09-30 (dates).",
        "period (--period): \"{value}\" is not a period. Formats: 2026-11 (month), 2026-Q3 (quarter), FY2026-2027 (fiscal year, April to March), FY2026-2027-Q1 (fiscal quarter), YTD (fiscal year to date), 2026-04-01..2026-09-30 (dates).";
    ReportContacts => "Contacts", "Contacts";
    ReportTotal => "Total", "Total";
    ServerBadTemplate => "Modèle de rapport illisible, {value}. Corrigez ce fichier ou retirez-le du dossier templates.", "Unreadable report template, {value}. Fix this file or remove it from the templates folder.";
    ReportPeopleReached => "Personnes rejointes", "People reached";
    ReportWithCode => "Contacts avec code de personne", "Contacts with a person code";
    ReportWithoutCode => "Contacts sans code de personne", "Contacts without a person code";
    ReportUniquePeople => "Personnes distinctes (estimation)", "Distinct people (estimate)";
    ReportNewPeople => "Nouvelles personnes (estimation)", "New people (estimate)";
    ReportReturningPeople => "Personnes déjà rencontrées (estimation)", "Returning people (estimate)";
    ReportReturnedSyringes => "Seringues récupérées", "Returned syringes";
    ReportQuantity => "Quantité", "Quantity";
    ReportOverdoses => "Surdoses", "Overdose responses";
    ReportOverdoseResponses => "Interventions en cas de surdose", "Overdose responses";
    ReportOverdoseStayed => "Quelqu'un est resté avec la personne", "Someone stayed with the person";
    ReportOverdoseAmbulance => "Une ambulance est venue", "An ambulance came";
    ReportOverdoseDebrief => "Retour sur l'intervention demandé", "Debriefing asked for";
    ReportOverdoseCount => "Interventions", "Responses";
    ReportFieldWork => "Travail de terrain", "Field work";
    ReportOutings => "Sorties", "Outings";
    ReportHoursInField => "Heures sur le terrain", "Hours in the field";
    ReportWorkerHours => "Heures-intervenant sur le terrain", "Worker hours in the field";
    ReportContactsDuringOutings => "Contacts faits pendant une sortie", "Contacts made during an outing";
    ReportEndNotTapped => "Sorties sans fin indiquée (fermées à la fin de la journée)", "Outings with no end tapped (closed with the day)";
    ReportOutingsByZone => "Sorties par zone", "Outings by zone";
    ReportIncidents => "Incidents de sécurité", "Safety incidents";
    ReportIncidentsDebrief => "Incidents avec retour demandé", "Incidents with a debriefing asked for";
    ReportDetails => "Modes, lieux et naloxone", "Modes, places and naloxone";
    ReportKits => "Trousses", "Kits";
    ReportKitsDetailed => "Trousses de naloxone décrites (forme, première ou remplacement)", "Naloxone kits described (form, first or replacement)";
    ReportPeopleTrained => "Personnes formées à la naloxone sur place", "People trained in naloxone on the spot";
    ReportMaterialsForOthers => "Matériel remis pour d'autres personnes", "Materials handed out for others";
    ReportNothing => "Rien à signaler pour cette période.", "Nothing recorded in this period.";
    ReportEstimates => "Les personnes distinctes, nouvelles et déjà rencontrées sont des estimations fondées sur les codes de personne : une personne rencontrée sans code n'y est pas comptée.",
        "Distinct, new and returning people are estimates based on person codes: a person met without a code is not counted.";
    ReportSuppressed => "Confidentialité : « {small} » remplace un nombre de 1 à {largest}; « {hidden} » masque un nombre plus grand, pour qu'on ne puisse pas retrouver un « {small} » par soustraction; 0 est un vrai zéro.",
        "Confidentiality: \"{small}\" stands for a number from 1 to {largest}; \"{hidden}\" hides a larger number, so that no \"{small}\" can be worked out by subtraction; 0 is a true zero.";
    ReportWithheld => "Une répartition entièrement en « {hidden} » est masquée au complet, zéros compris : trop peu de contacts pour la publier sans risque.",
        "A breakdown entirely in \"{hidden}\" is withheld whole, zeros included: too few contacts to publish it safely.";
    MonthJanuary => "janvier", "January";
    MonthFebruary => "février", "February";
    MonthMarch => "mars", "March";
    MonthApril => "avril", "April";
    MonthMay => "mai", "May";
    MonthJune => "juin", "June";
    MonthJuly => "juillet", "July";
    MonthAugust => "août", "August";
    MonthSeptember => "septembre", "September";
    MonthOctober => "octobre", "October";
    MonthNovember => "novembre", "November";
    MonthDecember => "décembre", "December";
}

/// Fills a message's `{name}` placeholders. Unknown names are left as they
/// are, so a missing argument shows up in tests instead of vanishing.
/// `text` with its first letter a capital: a field's name, written for
/// the middle of a sentence, used as a heading.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `n` with the singular or the plural message, by each language's rule:
/// French takes the singular for 0 and 1, English for 1 only. Both
/// messages take `{value}`.
pub fn counted(lang: Lang, n: u64, one: Msg, many: Msg) -> String {
    let singular = match lang {
        Lang::Fr => n < 2,
        Lang::En => n == 1,
    };
    tr(lang, if singular { one } else { many }, &[("value", &n)])
}

pub fn tr(lang: Lang, msg: Msg, args: &[(&str, &dyn Display)]) -> String {
    fill(msg.text(lang), args)
}

/// Fills `{name}` placeholders in any table's text. Every message a
/// person reads passes here, so this is where a value from outside (an
/// argument, a CSV cell, a server's answer) has its control characters
/// escaped: an ESC in `--zone` cannot retitle or clear the terminal it is
/// echoed to. One pass, so a value holding `{path}` stays as it is.
pub fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((close, value.to_string()))
        });
        match value {
            Some((close, value)) => {
                out.push_str(&printable(&value));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A whole number with the language's thousands separator: 299\u{a0}900
/// in French (a no-break space), 299,900 in English.
pub fn grouped(n: u64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Fr => '\u{a0}',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// The `{name}` placeholders a text uses, sorted, for the bilingual check.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Panics naming the first entry of a table that is empty in a language,
/// uses different placeholders in the two, or is a sentence left
/// untranslated (single words may be spelled the same: "zone").
pub fn check_table<M: std::fmt::Debug>(entries: &[(M, &str, &str)]) {
    for (name, fr, en) in entries {
        assert!(!fr.trim().is_empty(), "{name:?} has no French text");
        assert!(!en.trim().is_empty(), "{name:?} has no English text");
        assert_eq!(
            placeholders(fr),
            placeholders(en),
            "{name:?} placeholders differ"
        );
        if fr.split_whitespace().count() > 3 {
            assert_ne!(fr, en, "{name:?} is not translated");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_in_french_and_english_with_the_same_placeholders() {
        let entries: Vec<_> = Msg::ALL
            .iter()
            .map(|m| (*m, m.text(Lang::Fr), m.text(Lang::En)))
            .collect();
        check_table(&entries);
    }

    #[test]
    fn tr_fills_placeholders_in_the_asked_language() {
        let fr = tr(Lang::Fr, Msg::Saved, &[("value", &"abc")]);
        let en = tr(Lang::En, Msg::Saved, &[("value", &"abc")]);
        assert_eq!(fr, "Enregistré : abc");
        assert_eq!(en, "Saved: abc");
    }

    #[test]
    fn a_value_has_its_control_characters_escaped_and_is_not_filled_again() {
        let text = tr(
            Lang::En,
            Msg::FileUnreadable,
            &[("path", &"a\u{1b}]0;x\u{7}\0"), ("value", &"{path}")],
        );
        assert_eq!(text, "Cannot read a\\u{1b}]0;x\\u{7}\\u{0}: {path}.");
        assert_eq!(fill("{unknown} {a}", &[("a", &1)]), "{unknown} 1");
    }

    #[test]
    fn lang_parse_accepts_region_suffixes_and_refuses_others() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
