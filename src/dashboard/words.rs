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
    NavReport => "Rapports", "Reports";
    NavOverdoses => "Surdoses", "Overdoses";
    NavIncidents => "Incidents", "Incidents";
    IncidentsTitle => "Incidents de sécurité — {month}", "Safety incidents — {month}";
    IncidentsNone => "Aucun incident de sécurité ce mois-là.", "No safety incident that month.";
    IncidentFollowUp => "Suivi", "Follow-up";
    IncidentFollowUpSave => "Enregistrer le suivi", "Save the follow-up";
    IncidentFollowed => "{value} — par {name}, le {when}", "{value} — by {name} on {when}";
    IncidentDebriefWanted => "Retour demandé par l'équipe", "The team asked to talk it over";
    IncidentBadFollowUp => "Suivi : « {value} » n'est pas un suivi connu. Valeurs permises : {allowed}.", "Follow-up: \"{value}\" is not a known follow-up. Allowed: {allowed}.";
    UnknownIncident => "Aucun incident n'a cet identifiant.", "No incident has that id.";
    FollowDebriefed => "Retour fait avec l'équipe", "Talked it over with the team";
    FollowCareReferred => "Orientation vers des soins", "Referred to care";
    FollowDeclared => "Accident du travail déclaré", "Declared as a work accident";
    FollowNothingNeeded => "Aucun suivi nécessaire", "No follow-up needed";
    ActFollowUp => "Suivi d'un incident", "Incident followed up";
    NavAudit => "Journal", "Audit log";
    // Overdose responses
    OverdosesTitle => "Surdoses — {month}", "Overdose responses — {month}";
    OverdosesShow => "Afficher", "Show";
    OverdosesNone => "Aucune intervention en cas de surdose ce mois-là.", "No overdose response that month.";
    OverdoseNaloxone => "Naloxone", "Naloxone";
    OverdoseDoses => "nasale : {nasal}, injectée : {injected}", "nasal: {nasal}, injected: {injected}";
    OverdoseDeclaration => "Déclaration", "Declaration";
    OverdoseOpen => "Voir la déclaration", "See the declaration";
    OverdoseDeclarationOf => "Déclaration d'utilisation de naloxone — {when}", "Naloxone use declaration — {when}";
    OverdoseDeclarationHint => "Les champs que la santé publique demande après chaque surdose soupçonnée (déclaration d'utilisation de la naloxone, formulaire OP00261) : à imprimer ou à reporter dans son formulaire. Aucun de ces champs ne nomme quelqu'un.", "The fields public health asks after every suspected overdose (naloxone use declaration, form OP00261): print them or copy them into its form. None of these fields names anyone.";
    OverdoseWhen => "Date et heure (horloge du téléphone)", "Date and time (the phone's clock)";
    OverdoseVoided => "Cette intervention a été retirée depuis le téléphone : elle n'est plus comptée.", "This response was voided from the phone: it is no longer counted.";
    UnknownOverdose => "Aucune intervention en cas de surdose ne porte ce numéro.", "No overdose response has this number.";
    BackToOverdoses => "Retour aux surdoses", "Back to overdose responses";
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
    NoOrganizationHere => "Aucun organisme n'est servi à cette adresse. Vérifiez l'adresse auprès de votre organisme.", "No organization is served at this address. Check the address with your organization.";
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
    ActVoid => "Retrait d'un contact", "Contact voided";
    ActRevoke => "Téléphone révoqué", "Phone revoked";
    ActCatalog => "Catalogue modifié", "Catalog changed";
    ActEnrollCode => "Code d'inscription créé", "Enrollment code created";
    ActExport => "Exportation", "Export";
    ActReapply => "Lots réappliqués", "Batches re-applied";
    ActPurge => "Purge selon la politique de conservation", "Purge under the retention policy";
    ActRegionalRead => "Lecture par la région", "Read by the region";
    ActUnknown => "Autre", "Other";
    // Paging
    PagePrevious => "Page précédente", "Previous page";
    PageNext => "Page suivante", "Next page";
    PageOf => "Page {page} de {pages}", "Page {page} of {pages}";
    Pagination => "Pages", "Pages";
    // Activity
    ActivityTitle => "Activité : enregistrements reçus", "Activity: records received";
    ActivityEmpty => "Aucun enregistrement ne correspond.", "No record matches.";
    ActivityCountOne => "{value} enregistrement", "{value} record";
    ActivityCountMany => "{value} enregistrements", "{value} records";
    ActivityPastEnd => "La page {page} est au-delà de la fin de la liste (dernière page : {pages}).", "Page {page} is past the end of the list (last page: {pages}).";
    ActivityLastPage => "Aller à la dernière page", "Go to the last page";
    FilterRecord => "Type d'enregistrement", "Record type";
    BadRecordType => "Type d'enregistrement « {value} » : inconnu; permis : {allowed}.", "Record type \"{value}\": unknown; allowed: {allowed}.";
    RecordContact => "Contact", "Contact";
    RecordOverdose => "Surdose", "Overdose response";
    RecordShift => "Tournée", "Shift";
    RecordIncident => "Incident", "Incident";
    FilterFrom => "Du (date)", "From (date)";
    FilterTo => "Au (date)", "To (date)";
    FilterZone => "Zone", "Zone";
    FilterPhone => "Téléphone", "Phone";
    FilterMaterial => "Matériel remis", "Material given";
    FilterReferral => "Référence", "Referral";
    FilterIntervention => "Intervention", "Intervention";
    FilterAny => "Tous", "Any";
    FilterAnyFeminine => "Toutes", "Any";
    FilterApply => "Filtrer", "Filter";
    FilterClear => "Tout afficher", "Show all";
    FilterDateHint => "Les dates se lisent à l'heure du serveur; « au » compte le jour entier.", "Dates are read in the server's time; \"to\" counts the whole day.";
    BadDate => "« {field} » n'est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2026-11-30.", "“{field}” is not a date: write it YYYY-MM-DD, for example 2026-11-30.";
    BadDateOrder => "La date « {from} » vient après la date « {to} ».", "The “{from}” date comes after the “{to}” date.";
    RetiredMark => "{label} (retiré)", "{label} (retired)";
    ColTime => "Quand", "When";
    ColPhone => "Téléphone", "Phone";
    ColZone => "Zone", "Zone";
    ColKind => "Type", "Kind";
    ColPeople => "Personnes", "People";
    ColMaterials => "Matériel", "Materials";
    ColState => "État", "State";
    ColDetail => "Détail", "Detail";
    StateVoided => "Retiré des chiffres", "Taken out of the figures";
    StateCounted => "Dans les chiffres", "In the figures";
    SeeDetail => "Voir l'enregistrement du {when}", "See the record of {when}";
    NoneGiven => "Aucun", "None";
    AuditExportInternal => "CSV, version interne", "CSV, internal version";
    AuditExportExternal => "CSV, version externe", "CSV, external version";
    AuditExportExternalUnder => "CSV, version externe (seuil {n})", "CSV, external version (threshold {n})";
    AuditExportTemplate => "Modèle {id}, CSV, version {version}", "Template {id}, CSV, {version} version";
    AuditInternal => "interne", "internal";
    AuditExternal => "externe", "external";
    AuditExportSheet => "CSV pour tableur, version interne", "Spreadsheet CSV, internal version";
    AuditExportSheetExternal => "CSV pour tableur, version externe", "Spreadsheet CSV, external version";
    AuditExportSheetExternalUnder => "CSV pour tableur, version externe (seuil {n})", "Spreadsheet CSV, external version (threshold {n})";
    AuditReapplied => "appliqués : {applied}; en quarantaine : {held}", "applied: {applied}; quarantined: {held}";
    AuditCodeHours => "valide {value} h", "valid {value} h";
    AuditAdd => "ajout de {value}", "add {value}";
    AuditAddBundle => "ajout de la trousse {value}", "add bundle {value}";
    AuditRename => "nouveau nom : {value}", "rename {value}";
    AuditBundle => "trousse modifiée : {value}", "bundle {value}";
    AuditRetire => "retrait de la liste", "retired";
    AuditReactivate => "remise dans la liste", "reactivated";
    AuditMove => "{value} déplacé au rang {place}", "{value} moved to place {place}";
    AuditVersion => "{change}, version {value}", "{change}, version {value}";
    NoneGivenFeminine => "Aucune", "None";
    // A contact
    ContactTitle => "Contact du {when}", "Contact of {when}";
    ContactRecord => "Identifiant", "Record id";
    ContactAgeBand => "Tranche d'âge", "Age band";
    ContactGender => "Genre", "Gender";
    ContactReturned => "Seringues récupérées", "Returned syringes";
    ContactReferrals => "Références", "Referrals";
    ContactInterventions => "Interventions", "Interventions";
    ContactDuration => "Durée (minutes)", "Duration (minutes)";
    ContactWithCode => "Avec code de la personne", "With person code";
    ContactMonth => "Mois compté", "Counted in month";
    Yes => "oui", "yes";
    No => "non", "no";
    NotSaid => "non précisé", "not given";
    NotSaidFeminine => "non précisée", "not given";
    ContactMode => "Mode de contact", "Contact mode";
    ContactPlace => "Type de lieu", "Location type";
    ContactForOthers => "Matériel pour d'autres personnes", "Materials for others";
    ContactNaloxone => "Trousses de naloxone", "Naloxone kits";
    NaloxoneNotDescribed => "non décrites", "not described";
    VoidedBecause => "Ce contact est retiré : {reason}", "This contact is voided: {reason}";
    VoidedFromPhone => "Ce contact a été retiré depuis le téléphone.", "This contact was voided from the phone.";
    VoidHeading => "Retirer ce contact", "Void this contact";
    VoidExplain => "Le contact sera retiré de tous les chiffres. Le retrait et sa raison sont inscrits au journal.", "The contact will be taken out of every figure. The void and its reason go to the audit log.";
    VoidReason => "Raison (obligatoire, 200 caractères au plus)", "Reason (required, at most 200 characters)";
    VoidButton => "Retirer le contact", "Void the contact";
    VoidReasonMissing => "Écrivez une raison de 1 à 200 caractères.", "Write a reason of 1 to 200 characters.";
    VoidDone => "Le contact est retiré des chiffres.", "The contact is voided and taken out of the figures.";
    VoidAlready => "Ce contact était déjà retiré; rien n'a changé.", "This contact was already voided; nothing changed.";
    BackToActivity => "Retour à l'activité", "Back to activity";
    // Phones
    PhonesTitle => "Téléphones", "Phones";
    PhonesEmpty => "Aucun téléphone inscrit.", "No phone enrolled.";
    PhonesSilentNote => "Les téléphones muets depuis plus de {days} jours sont mis en évidence.", "Phones silent for more than {days} days stand out.";
    ColLabel => "Nom", "Label";
    ColEnrolled => "Inscrit le", "Enrolled";
    ColLastSync => "Dernier envoi reçu", "Last upload received";
    ColRecords => "Enregistrements reçus", "Records received";
    ColQuarantined => "Lots en quarantaine", "Batches quarantined";
    ColGaps => "Lots manquants", "Missing batches";
    ColVersion => "Version", "Version";
    ColActions => "Actions", "Actions";
    Never => "jamais", "never";
    Silent => "Muet depuis plus de {days} jours", "Silent for more than {days} days";
    Revoked => "Révoqué le {when}", "Revoked on {when}";
    Active => "Actif", "Active";
    NoGap => "aucun", "none";
    RevokeLink => "Révoquer {label}", "Revoke {label}";
    RevokeTitle => "Révoquer le téléphone « {label} »", "Revoke the phone “{label}”";
    RevokeExplain => "Ce téléphone ne pourra plus envoyer de lots : son prochain envoi sera refusé. Ce qu'il a déjà envoyé reste compté. Il faudra l'inscrire de nouveau pour qu'il serve encore.", "This phone will no longer be able to send batches: its next upload will be refused. What it already sent stays counted. It must be enrolled again to be used again.";
    RevokeButton => "Révoquer ce téléphone", "Revoke this phone";
    RevokeCancel => "Ne pas révoquer", "Do not revoke";
    RevokeDone => "Le téléphone est révoqué.", "The phone is revoked.";
    RevokeAlready => "Ce téléphone est déjà révoqué.", "This phone is already revoked.";
    UnknownPhone => "Ce téléphone n'existe pas.", "This phone does not exist.";
    UnknownContact => "Ce contact n'existe pas.", "This contact does not exist.";
    // Quarantine
    QuarantineTitle => "Lots en quarantaine", "Quarantined batches";
    QuarantineEmpty => "Aucun lot en quarantaine.", "No batch in quarantine.";
    QuarantineExplain => "Ces lots ont été reçus mais n'ont pas pu être comptés. Corrigez la cause (souvent le catalogue), puis réappliquez-les.", "These batches were received but could not be counted. Fix the cause (often the catalog), then re-apply them.";
    ColSeq => "Lot n°", "Batch no.";
    ColReceived => "Reçu le", "Received";
    ColReason => "Raison", "Reason";
    ReapplyButton => "Réappliquer les lots en quarantaine", "Re-apply the quarantined batches";
    ReapplyDone => "Réappliqués : {applied}. Toujours en quarantaine : {left}.", "Re-applied: {applied}. Still quarantined: {left}.";
    // Monthly report
    ReportMonth => "Mois (AAAA-MM)", "Month (YYYY-MM)";
    ReportExternal => "Version externe : masquer les petits nombres", "External version: hide small counts";
    ReportShow => "Afficher", "Show";
    ReportBadMonth => "Mois : « {value} » n'est pas un mois. Écrivez-le AAAA-MM, par exemple 2026-11.", "Month: \"{value}\" is not a month. Write it YYYY-MM, for example 2026-11.";
    ReportIsExternal => "Version externe : les petits nombres sont masqués pour que personne ne puisse être reconnu. Elle peut sortir de l'organisme.", "External version: small counts are hidden so that no one can be recognized. It may leave the organization.";
    ReportIsInternalCopy => "Version interne : nombres exacts, à garder dans l'organisme.", "Internal version: exact counts, to keep within the organization.";
    ReportSignOff => "Attestation", "Sign-off";
    ReportPageOf => "de", "of";
    ReportTemplates => "Modèles de bailleurs", "Funders' templates";
    ReportWhole => "Bilan complet", "Whole report";
    ReportUnknownTemplate => "Aucun modèle de rapport « {value} » sur ce serveur.", "No report template \"{value}\" on this server.";
    ReportSignText => "J'atteste que ce rapport présente les activités de l'organisme pour la période indiquée.", "I attest that this report presents the organization's activities for the period shown.";
    ReportSignName => "Nom", "Name";
    ReportSignRole => "Fonction", "Role";
    ReportSignDate => "Date", "Date";
    ReportSignature => "Signature", "Signature";
    ReportIsInternal => "Version interne : nombres exacts, à garder dans l'organisme. Cochez « Version externe » pour un rapport destiné à l'extérieur.", "Internal version: exact counts, to keep within the organization. Tick \"External version\" for a report that leaves it.";
    ReportCsv => "CSV pour tableur (Excel, LibreOffice)", "Spreadsheet CSV (Excel, LibreOffice)";
    ReportCsvPlain => "CSV brut (scripts)", "Plain CSV (scripts)";
    ReportPrintable => "Version imprimable", "Printable version";
    ReportPrintHint => "Imprimez avec la commande Imprimer du navigateur (Ctrl+P); le menu n'est pas imprimé.", "Print with the browser's Print command (Ctrl+P); the menu is not printed.";
    ReportBack => "Retour au rapport", "Back to the report";
    ReportPeriod => "Période : {period} ({span})", "Period: {period} ({span})";
    ReportBadPeriod => "Période : « {value} » n'est pas une période. Écrivez par exemple 2026-11 (un mois), 2026-Q3 (un trimestre), FY2026-2027 (l'exercice d'avril à mars), FY2026-2027-Q1 (un trimestre de l'exercice), YTD (l'exercice jusqu'à aujourd'hui) ou 2026-04-01..2026-09-30 (des dates).",
        "Period: \"{value}\" is not a period. Write for example 2026-11 (a month), 2026-Q3 (a quarter), FY2026-2027 (the fiscal year, April to March), FY2026-2027-Q1 (a fiscal quarter), YTD (the fiscal year to date) or 2026-04-01..2026-09-30 (dates).";
    ReportPeriodField => "Période", "Period";
    ReportPeriodHint => "Un mois (2026-11), un trimestre (2026-Q3), l'exercice (FY2026-2027), un trimestre de l'exercice (FY2026-2027-Q1), l'exercice à ce jour (YTD) ou des dates (2026-04-01..2026-09-30).",
        "A month (2026-11), a quarter (2026-Q3), the fiscal year (FY2026-2027), a fiscal quarter (FY2026-2027-Q1), the fiscal year to date (YTD) or dates (2026-04-01..2026-09-30).";
    ReportQuickPeriods => "Raccourcis :", "Shortcuts:";
    ReportLastMonth => "Mois dernier", "Last month";
    ReportLastQuarter => "Trimestre dernier", "Last quarter";
    ReportFiscalToDate => "Exercice à ce jour", "Fiscal year to date";
    ReportLastFiscalYear => "Exercice précédent", "Last fiscal year";
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
    EnrollHowTo => "Sur le téléphone, à l'inscription, balayez le code QR (il contient aussi l'adresse du serveur) ou tapez l'adresse et le code (les tirets et les majuscules ne comptent pas). Ce code ne sera plus affiché.", "On the phone, when enrolling, scan the QR code (it holds the server address too) or type the address and the code (dashes and case do not matter). This code will not be shown again.";
    EnrollServer => "Adresse du serveur pour le téléphone : {address}", "Server address for the phone: {address}";
    EnrollQr => "Code QR du code d'inscription", "QR code of the enrollment code";
    EnrollBadLabel => "Nom du téléphone : écrivez de 1 à {max} caractères, sans caractère de contrôle.", "Phone's label: write 1 to {max} characters, without control characters.";
    EnrollBadHours => "Validité : un nombre entier d'heures, de 1 à {max}.", "Validity: a whole number of hours, 1 to {max}.";
    EnrollAnother => "Créer un autre code", "Create another code";
    EnrollAppTitle => "Ouvrir l'application sur le téléphone", "Open the app on the phone";
    EnrollAppHowTo => "Sur le téléphone, ouvrez cette adresse une fois avec du réseau (Chrome sur Android, Safari sur iPhone), puis ajoutez-la à l'écran d'accueil : sur iPhone, c'est indispensable, sinon Safari efface ses données après 7 jours sans visite. Ensuite, l'application fonctionne sans réseau ; à la première ouverture, choisissez un NIP puis entrez le code ci-dessus.",
        "On the phone, open this address once with network (Chrome on Android, Safari on iPhone), then add it to the Home Screen: on an iPhone you must, or Safari erases its data after 7 days without a visit. The app then works without network; at the first start, choose a PIN, then enter the code above.";
    EnrollAppAddress => "Adresse de l'application : {address}", "The app's address: {address}";
    EnrollAppQr => "Code QR de l'adresse de l'application", "QR code of the app's address";
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
    CatalogIdHint => "Laissé vide, il est tiré du libellé français. Sinon, de 1 à 48 caractères : lettres minuscules sans accent, chiffres et traits d'union, sans trait d'union au début ni à la fin. Il ne change plus ensuite.", "Left empty, it is made from the French label. Otherwise 1 to 48 characters: lowercase letters without accents, digits and hyphens, no hyphen first or last. It never changes afterwards.";
    CatalogIdOptional => "Identifiant (facultatif)", "Id (optional)";
    CatalogSave => "Enregistrer", "Save";
    CatalogUp => "Monter « {value} »", "Move \"{value}\" up";
    CatalogDown => "Descendre « {value} »", "Move \"{value}\" down";
    CatalogBundles => "Trousses prêtes", "Ready-made kits";
    CatalogBundlesHint => "Une trousse ajoute tout son matériel en un seul toucher sur le téléphone. Les contacts comptent le matériel, jamais la trousse : la modifier ne change aucun chiffre passé.", "A kit adds all its materials in one tap on the phone. Contacts count the materials, never the kit: changing it changes no past figure.";
    CatalogContents => "Contenu", "Contents";
    CatalogEditBundle => "Modifier", "Edit";
    CatalogAddBundle => "Ajouter une trousse", "Add a kit";
    CatalogBundleMaterial => "Matériel « {value} » : absent du catalogue ou retiré.", "Material \"{value}\": not in the catalog, or retired.";
    CatalogBundleQuantity => "Quantité de « {value} » : un nombre entier de 0 à {max}.", "Quantity of \"{value}\": a whole number from 0 to {max}.";
    CatalogBundleEmpty => "Une trousse contient au moins un matériel : donnez une quantité à au moins un.", "A kit holds at least one material: give a quantity to at least one.";
    CatalogSaved => "Catalogue enregistré : version {version}.", "Catalog saved: version {version}.";
    CatalogBadSection => "Section : choisissez une section du catalogue ou les trousses.", "Section: choose a section of the catalog, or the kits.";
    CatalogBadId => "Identifiant « {value} » : de 1 à 48 caractères parmi a-z, 0-9 et le trait d'union, sans trait d'union au début ni à la fin.", "Id \"{value}\": 1 to 48 characters among a-z, 0-9 and the hyphen, no hyphen first or last.";
    CatalogTaken => "Identifiant « {value} » : déjà dans cette section; choisissez-en un autre.", "Id \"{value}\": already in this section; choose another.";
    CatalogUnknown => "Identifiant « {value} » : absent de cette section.", "Id \"{value}\": not in this section.";
    CatalogBadLabel => "{field} : de 1 à {max} caractères, sans caractère de contrôle.", "{field}: 1 to {max} characters, without control characters.";
    CatalogLastActive => "Refusé : les zones et les tranches d'âge gardent chacune au moins un élément actif.", "Refused: zones and age bands each keep at least one active item.";
    CatalogUnchanged => "Rien à changer : « {value} » est déjà ainsi.", "Nothing to change: \"{value}\" is already so.";
    CatalogBadAction => "Action inconnue : {value}.", "Unknown action: {value}.";
    // The regional site and its accounts
    RegionSite => "Portrait régional", "Regional report";
    RegionSignInTitle => "Connexion au portrait régional", "Regional report sign-in";
    RegionAccount => "Compte régional : {name}", "Regional account: {name}";
    RegionMembers => "Organismes additionnés : {names}", "Organizations summed: {names}";
    RegionPeopleSummed => "Les personnes distinctes, nouvelles et de retour sont additionnées organisme par organisme : chaque organisme reconnaît ses personnes à sa façon, donc une personne rencontrée par deux organismes compte deux fois.", "Distinct, new and returning people are added up organization by organization: each organization recognizes its people its own way, so one person met by two organizations counts twice.";
    RegionPeopleLabel => "{label}, somme des organismes", "{label}, sum over the organizations";
    RegionLegend => "Confidentialité : les chiffres des organismes sont additionnés, puis masqués. « {small} » remplace un nombre de 1 à {largest}; « {hidden} » masque un chiffre qui peut être n'importe quel nombre, 0 compris, pour qu'aucun chiffre d'un organisme ne puisse être retrouvé; un 0 écrit est un vrai zéro.", "Confidentiality: the organizations' figures are added up, then hidden. \"{small}\" stands for a number from 1 to {largest}; \"{hidden}\" hides a figure that may be any number, 0 included, so that no organization's figure can be worked out; a 0 written is a true zero.";
    RegionWithheld => "Une répartition entièrement en « {hidden} » est masquée au complet : un organisme n'a pas assez de contacts pour la publier sans risque.", "A breakdown all in \"{hidden}\" is withheld whole: an organization has too few contacts to publish it safely.";
    RegionIsExternal => "Seuls des totaux régionaux, masqués, sont montrés ici : aucune fiche, aucun téléphone, aucun chiffre d'un seul organisme.", "Only regional totals, suppressed, are shown here: no record, no phone, no figure of a single organization.";
    RegionNoMember => "Ce compte régional n'a aucun organisme membre : demandez à l'administrateur de l'hôte.", "This regional account has no member organization: ask the host's administrator.";
    RegionCreated => "Compte régional créé : {value} (organismes : {orgs}).", "Regional account created: {value} (organizations: {orgs}).";
    RegionDisabled => "Compte régional désactivé : {value}. Il ne peut plus se connecter.", "Regional account disabled: {value}. It can no longer sign in.";
    RegionExists => "Un compte régional nommé {value} existe déjà.", "A regional account named {value} already exists.";
    RegionUnknown => "Aucun compte régional ne s'appelle {value}.", "No regional account is named {value}.";
    RegionUnknownOrg => "Aucun organisme de l'hôte n'a le nom court « {value} » (voir list-orgs).", "No organization of the host has the short name \"{value}\" (see list-orgs).";
    RegionNeedsOrgs => "Donnez au moins un organisme : --orgs nom-court,autre-nom.", "Give at least one organization: --orgs short-name,other-name.";
    RegionBadName => "Nom du compte régional : de 1 à {max} caractères, sans caractère de contrôle.", "Regional account name: 1 to {max} characters, no control characters.";
    RegionNone => "Aucun compte régional.", "No regional account.";
    RegionColOrgs => "Organismes", "Organizations";
}

impl Word {
    pub fn fill(self, lang: Lang, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        crate::domain::i18n::fill(self.text(lang), args)
    }

    /// `n` with the singular or the plural word (`{value}` in both), by
    /// each language's rule, as [`crate::domain::i18n::counted`].
    pub fn counted(lang: Lang, n: u64, one: Word, many: Word) -> String {
        let singular = match lang {
            Lang::Fr => n < 2,
            Lang::En => n == 1,
        };
        if singular { one } else { many }.fill(lang, &[("value", &n)])
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
