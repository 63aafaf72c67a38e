//! Every word of the dashboard, in French and English side by side (the
//! same `messages!` table as the rest of Tournée, kept apart so that the
//! worker's table stays about the worker).

use crate::domain::i18n::{Lang, messages};

messages! {
    Word;
    // Frame
    Dashboard => "Tableau de bord", "Dashboard";
    SkipToContent => "Aller au contenu", "Skip to content";
    MainMenu => "Menu principal", "Main menu";
    SignedInAs => "Connecté·e : {name}", "Signed in: {name}";
    SignOut => "Se déconnecter", "Sign out";
    OtherLanguage => "English", "Français";
    OtherLanguageName => "Passer en anglais", "Switch to French";
    // Menu
    NavActivity => "Activité", "Activity";
    NavPhones => "Téléphones", "Phones";
    NavEnroll => "Inscrire un téléphone", "Enroll a phone";
    NavCatalog => "Catalogue", "Catalog";
    NavQuarantine => "Quarantaine", "Quarantine";
    NavReport => "Rapport mensuel", "Monthly report";
    NavAudit => "Journal", "Audit log";
    // Sign-in
    SignInTitle => "Connexion des superviseur·e·s", "Supervisor sign-in";
    SignInName => "Nom", "Name";
    SignInPassword => "Mot de passe", "Password";
    SignInButton => "Se connecter", "Sign in";
    SignInRefused => "Nom ou mot de passe incorrect.", "Wrong name or password.";
    SignInTooMany => "Trop d'essais. Réessayez dans {minutes} minutes.", "Too many attempts. Try again in {minutes} minutes.";
    SignInMissing => "Entrez votre nom et votre mot de passe.", "Enter your name and password.";
    SignedOut => "Vous êtes déconnecté·e.", "You are signed out.";
    SessionEnded => "Votre session a pris fin. Reconnectez-vous.", "Your session ended. Please sign in again.";
    // Problems
    FormExpired => "Ce formulaire a expiré ou ne vient pas de cette page. Rechargez la page et recommencez.", "This form expired or did not come from this page. Reload the page and try again.";
    NotFound => "Cette page n'existe pas.", "This page does not exist.";
    ServerTrouble => "Le serveur n'a pas pu répondre. Réessayez; si cela continue, consultez les journaux du serveur.", "The server could not answer. Try again; if it goes on, check the server logs.";
    BadForm => "Formulaire invalide : {value}", "Invalid form: {value}";
    SignInRequired => "Connexion requise.", "Sign-in required.";
    BackHome => "Retour au tableau de bord", "Back to the dashboard";
    // Audit log
    AuditTitle => "Journal des actions", "Audit log";
    AuditEmpty => "Aucune action enregistrée.", "No action recorded.";
    AuditWhen => "Quand", "When";
    AuditWho => "Qui", "Who";
    AuditWhat => "Action", "Action";
    AuditTarget => "Sur", "On";
    AuditDetail => "Détail", "Detail";
    ActSignIn => "Connexion", "Sign-in";
    ActSignInRefused => "Connexion refusée", "Sign-in refused";
    ActSignOut => "Déconnexion", "Sign-out";
    ActVoid => "Annulation d'un contact", "Contact voided";
    ActRevoke => "Téléphone révoqué", "Phone revoked";
    ActCatalog => "Catalogue modifié", "Catalog changed";
    ActEnrollCode => "Code d'inscription créé", "Enrollment code created";
    ActExport => "Exportation", "Export";
    ActReapply => "Lots réappliqués", "Batches re-applied";
    ActUnknown => "Autre", "Other";
    // Paging
    PagePrevious => "Page précédente", "Previous page";
    PageNext => "Page suivante", "Next page";
    PageOf => "Page {page} de {pages}", "Page {page} of {pages}";
    Pagination => "Pages", "Pages";
    // Monthly report
    ReportMonth => "Mois (AAAA-MM)", "Month (YYYY-MM)";
    ReportExternal => "Version externe : masquer les petits nombres", "External version: hide small counts";
    ReportShow => "Afficher", "Show";
    ReportBadMonth => "Mois : « {value} » n'est pas un mois. Écrivez-le AAAA-MM, par exemple 2026-11.", "Month: \"{value}\" is not a month. Write it YYYY-MM, for example 2026-11.";
    ReportIsExternal => "Version externe : les petits nombres sont masqués, comme dans tournee report --suppress. Elle peut sortir de l'organisme.", "External version: small counts are hidden, as in tournee report --suppress. It may leave the organization.";
    ReportIsInternal => "Version interne : nombres exacts, à garder dans l'organisme. Cochez « Version externe » pour un rapport destiné à l'extérieur.", "Internal version: exact counts, to keep within the organization. Tick \"External version\" for a report that leaves it.";
    ReportCsv => "Télécharger le CSV", "Download the CSV";
    ReportPrintable => "Version imprimable", "Printable version";
    ReportPrintHint => "Imprimez avec la commande Imprimer du navigateur (Ctrl+P); le menu n'est pas imprimé.", "Print with the browser's Print command (Ctrl+P); the menu is not printed.";
    ReportBack => "Retour au rapport", "Back to the report";
    ReportPeriod => "Période : {month}", "Period: {month}";
    ReportGenerated => "Produit le {when}", "Generated {when}";
    ReportChart => "Graphique : {what}, {month}", "Chart: {what}, {month}";
    ReportItem => "Élément", "Item";
    // Enroll a phone
    EnrollLabel => "Nom du téléphone", "Phone's label";
    EnrollLabelHint => "Par exemple « Téléphone de nuit 3 », de 1 à {max} caractères.", "For example \"Night phone 3\", 1 to {max} characters.";
    EnrollHours => "Valide pendant (heures)", "Valid for (hours)";
    EnrollHoursHint => "Un nombre entier d'heures, de 1 à {max}.", "A whole number of hours, 1 to {max}.";
    EnrollCreate => "Créer un code", "Create a code";
    EnrollCodeFor => "Code d'inscription pour « {label} »", "Enrollment code for \"{label}\"";
    EnrollExpires => "Valide une seule fois, jusqu'au {when}.", "Valid once, until {when}.";
    EnrollHowTo => "Sur le téléphone, à l'inscription, balayez le code QR ou tapez le code (les tirets et les majuscules ne comptent pas). Ce code ne sera plus affiché.", "On the phone, when enrolling, scan the QR code or type the code (dashes and case do not matter). This code will not be shown again.";
    EnrollQr => "Code QR du code d'inscription", "QR code of the enrollment code";
    EnrollBadLabel => "Nom du téléphone : écrivez de 1 à {max} caractères, sans caractère de contrôle.", "Phone's label: write 1 to {max} characters, without control characters.";
    EnrollBadHours => "Validité : un nombre entier d'heures, de 1 à {max}.", "Validity: a whole number of hours, 1 to {max}.";
    EnrollAnother => "Créer un autre code", "Create another code";
    // Catalog
    CatalogVersion => "Version {version} du catalogue. Les téléphones reçoivent chaque nouvelle version à leur prochaine synchronisation.", "Catalog version {version}. Phones get each new version at their next sync.";
    CatalogId => "Identifiant", "Id";
    CatalogFrench => "Libellé français", "French label";
    CatalogEnglish => "Libellé anglais", "English label";
    CatalogState => "État", "State";
    CatalogChange => "Modifier", "Change";
    CatalogActive => "Actif", "Active";
    CatalogRetired => "Retiré", "Retired";
    CatalogRename => "Renommer", "Rename";
    CatalogRetire => "Retirer", "Retire";
    CatalogReactivate => "Réactiver", "Reactivate";
    CatalogAdd => "Ajouter", "Add";
    CatalogAddTo => "Ajouter à « {section} »", "Add to \"{section}\"";
    CatalogIdHint => "De 1 à 48 caractères : lettres minuscules sans accent, chiffres et traits d'union, sans trait d'union au début ni à la fin. Il ne change plus ensuite.", "1 to 48 characters: lowercase letters without accents, digits and hyphens, no hyphen first or last. It never changes afterwards.";
    CatalogSaved => "Catalogue enregistré : version {version}.", "Catalog saved: version {version}.";
    CatalogBadSection => "Section : choisissez le matériel, les zones, les références ou les interventions.", "Section: choose materials, zones, referrals or interventions.";
    CatalogBadId => "Identifiant « {value} » : de 1 à 48 caractères parmi a-z, 0-9 et le trait d'union, sans trait d'union au début ni à la fin.", "Id \"{value}\": 1 to 48 characters among a-z, 0-9 and the hyphen, no hyphen first or last.";
    CatalogTaken => "Identifiant « {value} » : déjà dans cette section; choisissez-en un autre.", "Id \"{value}\": already in this section; choose another.";
    CatalogUnknown => "Identifiant « {value} » : absent de cette section.", "Id \"{value}\": not in this section.";
    CatalogBadLabel => "{field} : de 1 à {max} caractères, sans caractère de contrôle.", "{field}: 1 to {max} characters, without control characters.";
    CatalogLastActive => "Refusé : la section des zones doit garder au moins un élément actif.", "Refused: the zones section must keep at least one active item.";
    CatalogUnchanged => "Rien à changer : « {value} » est déjà ainsi.", "Nothing to change: \"{value}\" is already so.";
    CatalogBadAction => "Action inconnue : {value}.", "Unknown action: {value}.";
}

impl Word {
    pub fn fill(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        crate::domain::i18n::fill(self.text(lang), args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_in_french_and_english_with_the_same_placeholders() {
        let entries: Vec<_> = Word::ALL
            .iter()
            .map(|w| (*w, w.text(Lang::Fr), w.text(Lang::En)))
            .collect();
        crate::domain::i18n::check_table(&entries);
    }
}
