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
