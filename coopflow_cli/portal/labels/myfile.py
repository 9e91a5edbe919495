"""The portal's words for the "My file" pages (keys `file_...`), in fr, nl, de and en.

Timeline actions, document kinds and statuses are tables of four translations each, turned
into keys below (`file_event_<action>`, `file_doc_<template>`, ...)."""

from __future__ import annotations

from coopflow_cli.portal.labels.myfile_tables import DOCUMENTS, EVENTS, STATUSES

LANGS = ("fr", "nl", "de", "en")

WORDS: dict[str, tuple[str, str, str, str]] = {
    "file_title": ("Mon dossier", "Mijn dossier", "Meine Akte", "My file"),
    "file_identity": ("Mon adhésion", "Mijn lidmaatschap", "Meine Mitgliedschaft", "My membership"),
    "file_member_number": ("Numéro de membre", "Lidnummer", "Mitgliedsnummer", "Member number"),
    "file_status": ("Statut", "Status", "Status", "Status"),
    "file_since": ("Depuis le", "Sinds", "Seit", "Since"),
    "file_contact_title": (
        "Comment nous vous joignons",
        "Hoe wij u bereiken",
        "Wie wir Sie erreichen",
        "How we reach you",
    ),
    "file_address": ("Adresse postale", "Postadres", "Postanschrift", "Postal address"),
    "file_email": ("Adresse e-mail", "E-mailadres", "E-Mail-Adresse", "E-mail address"),
    "file_phone": ("Téléphone", "Telefoon", "Telefon", "Phone"),
    "file_letters_language": (
        "Langue de vos courriers",
        "Taal van uw brieven",
        "Sprache Ihrer Briefe",
        "Language of your letters",
    ),
    "file_not_given": ("non indiqué", "niet opgegeven", "nicht angegeben", "not given"),
    "file_change_contact": (
        "Modifier mes coordonnées",
        "Mijn gegevens wijzigen",
        "Meine Kontaktdaten ändern",
        "Change my contact details",
    ),
    "file_shares_title": ("Mes parts", "Mijn aandelen", "Meine Anteile", "My shares"),
    "file_shares_held": (
        "{shares} part(s) de catégorie {share_class}",
        "{shares} aandeel/aandelen van categorie {share_class}",
        "{shares} Anteil(e) der Klasse {share_class}",
        "{shares} share(s) of class {share_class}",
    ),
    "file_shares_none": (
        "Vous ne détenez pas de part pour le moment.",
        "U hebt momenteel geen aandelen.",
        "Sie halten derzeit keine Anteile.",
        "You hold no shares at the moment.",
    ),
    "file_shares_awaiting": (
        "{shares} part(s) en attente de paiement",
        "{shares} aandeel/aandelen wachten op betaling",
        "{shares} Anteil(e) warten auf Zahlung",
        "{shares} share(s) awaiting payment",
    ),
    "file_shares_link": (
        "Voir le détail de mes parts",
        "Details van mijn aandelen bekijken",
        "Details meiner Anteile ansehen",
        "See my shares in detail",
    ),
    "file_documents_title": ("Mes documents", "Mijn documenten", "Meine Dokumente", "My documents"),
    "file_doc_kind": ("Document", "Document", "Dokument", "Document"),
    "file_doc_language": ("Langue", "Taal", "Sprache", "Language"),
    "file_doc_download": (
        "Télécharger : {kind}, {date}",
        "Downloaden: {kind}, {date}",
        "Herunterladen: {kind}, {date}",
        "Download: {kind}, {date}",
    ),
    "file_emails_title": (
        "Les e-mails que nous vous avons envoyés",
        "De e-mails die wij u stuurden",
        "Die E-Mails, die wir Ihnen gesendet haben",
        "The e-mails we sent you",
    ),
    "file_mail_subject": ("Objet", "Onderwerp", "Betreff", "Subject"),
    "file_mail_unnamed": (
        "Message de la coopérative",
        "Bericht van de coöperatie",
        "Nachricht der Genossenschaft",
        "Message from the cooperative",
    ),
    "file_mail_sent": ("envoyé", "verzonden", "gesendet", "sent"),
    "file_mail_bounced": ("non distribué", "niet bezorgd", "nicht zugestellt", "bounced"),
    "file_mail_waiting": ("en cours d'envoi", "wordt verzonden", "wird gesendet", "being sent"),
    "file_timeline_title": ("Historique", "Geschiedenis", "Verlauf", "Timeline"),
    "file_timeline_what": ("Ce qui s'est passé", "Wat er gebeurde", "Was geschah", "What happened"),
    "file_timeline_who": ("Par", "Door", "Durch", "By"),
    "file_who_member": ("vous", "u", "Sie", "you"),
    "file_who_staff": (
        "l'équipe de SMart",
        "het SMart-team",
        "das SMart-Team",
        "SMart staff",
    ),
    "file_who_system": ("le système", "het systeem", "das System", "the system"),
    "file_export_title": (
        "Télécharger toutes mes données",
        "Al mijn gegevens downloaden",
        "Alle meine Daten herunterladen",
        "Download all my data",
    ),
    "file_export_intro": (
        "Un fichier JSON avec tout ce que la coopérative conserve à votre sujet "
        "(RGPD, articles 15 et 20).",
        "Een JSON-bestand met alles wat de coöperatie over u bewaart (AVG, artikelen 15 en 20).",
        "Eine JSON-Datei mit allem, was die Genossenschaft über Sie speichert "
        "(DSGVO, Artikel 15 und 20).",
        "A JSON file with everything the cooperative keeps about you (GDPR, articles 15 and 20).",
    ),
    "file_export_button": (
        "Télécharger mes données (JSON)",
        "Mijn gegevens downloaden (JSON)",
        "Meine Daten herunterladen (JSON)",
        "Download my data (JSON)",
    ),
    "file_erasure_title": (
        "Demander l'effacement de mes données",
        "Vragen om mijn gegevens te wissen",
        "Löschung meiner Daten beantragen",
        "Ask for my data to be erased",
    ),
    "file_erasure_intro": (
        "Un membre de l'équipe qui tient le registre des parts examine votre demande. La loi "
        "nous oblige à garder le nom et le domicile de chaque associé tant qu'il détient des "
        "parts, ainsi que les données des contrats en cours : dans ce cas, nous vous "
        "expliquons par e-mail pourquoi vos données sont conservées.",
        "Een medewerker die het aandelenregister bijhoudt, bekijkt uw verzoek. De wet verplicht "
        "ons de naam en woonplaats van elke vennoot te bewaren zolang hij aandelen heeft, en "
        "ook de gegevens van lopende contracten: in dat geval leggen wij u per e-mail uit "
        "waarom uw gegevens bewaard blijven.",
        "Ein Mitarbeiter, der das Anteilsregister führt, prüft Ihren Antrag. Das Gesetz "
        "verpflichtet uns, Name und Wohnsitz jedes Gesellschafters aufzubewahren, solange er "
        "Anteile hält, ebenso die Daten laufender Verträge: In diesem Fall erklären wir Ihnen "
        "per E-Mail, warum Ihre Daten aufbewahrt werden.",
        "A staff member who keeps the share register looks at your request. The law makes us "
        "keep the name and domicile of every shareholder while they hold shares, and the data "
        "of contracts still running: if so, we tell you by e-mail why your data is kept.",
    ),
    "file_erasure_button": (
        "Demander l'effacement",
        "Wissen aanvragen",
        "Löschung beantragen",
        "Ask for erasure",
    ),
    "file_erasure_asked": (
        "Demandé le {date} : un membre de l'équipe décide.",
        "Gevraagd op {date}: een medewerker beslist.",
        "Beantragt am {date}: ein Mitarbeiter entscheidet.",
        "Asked on {date}, a staff member decides.",
    ),
    "file_erasure_refused": (
        "Votre demande du {date} a été refusée. Nous vous avons écrit pourquoi.",
        "Uw verzoek van {date} werd geweigerd. Wij schreven u waarom.",
        "Ihr Antrag vom {date} wurde abgelehnt. Wir haben Ihnen die Gründe geschrieben.",
        "Your request of {date} was refused. We wrote to you why.",
    ),
    "file_saved_contact": (
        "Vos coordonnées sont enregistrées.",
        "Uw gegevens zijn bewaard.",
        "Ihre Kontaktdaten sind gespeichert.",
        "Your contact details are saved.",
    ),
    "file_saved_email": (
        "Enregistré : nous vous écrivons désormais à votre nouvelle adresse.",
        "Bewaard: wij schrijven u voortaan op uw nieuwe adres.",
        "Gespeichert: Wir schreiben Ihnen ab jetzt an Ihre neue Adresse.",
        "Saved: we now write to you at your new address.",
    ),
    "file_saved_erasure": (
        "Votre demande d'effacement est enregistrée.",
        "Uw verzoek om te wissen is bewaard.",
        "Ihr Löschungsantrag ist gespeichert.",
        "Your erasure request is saved.",
    ),
    "file_contact_intro": (
        "La langue choisie ici est celle de vos courriers et e-mails. Une nouvelle adresse "
        "e-mail ne remplace l'ancienne qu'après confirmation par le lien que nous y envoyons.",
        "De taal die u hier kiest, is die van uw brieven en e-mails. Een nieuw e-mailadres "
        "vervangt het oude pas nadat u het bevestigt met de link die wij ernaartoe sturen.",
        "Die hier gewählte Sprache ist die Ihrer Briefe und E-Mails. Eine neue E-Mail-Adresse "
        "ersetzt die alte erst, wenn Sie sie über den Link bestätigen, den wir dorthin senden.",
        "The language chosen here is the one of your letters and e-mails. A new e-mail address "
        "replaces the old one only once you confirm it with the link we send to it.",
    ),
    "file_f_street": (
        "Rue et numéro",
        "Straat en nummer",
        "Straße und Hausnummer",
        "Street and number",
    ),
    "file_f_postcode": ("Code postal", "Postcode", "Postleitzahl", "Postcode"),
    "file_f_postcode_help": (
        "En Belgique : 4 chiffres, par exemple 1060.",
        "In België: 4 cijfers, bijvoorbeeld 1060.",
        "In Belgien: 4 Ziffern, zum Beispiel 4700.",
        "In Belgium: 4 digits, for example 1060.",
    ),
    "file_f_city": ("Localité", "Gemeente", "Ort", "Town"),
    "file_f_country": ("Pays", "Land", "Land", "Country"),
    "file_f_country_help": (
        "Code à deux lettres, par exemple BE, FR, NL.",
        "Code van twee letters, bijvoorbeeld BE, FR, NL.",
        "Zweibuchstabiger Code, zum Beispiel BE, DE, LU.",
        "Two-letter code, for example BE, FR, NL.",
    ),
    "file_f_phone_help": (
        "Facultatif. Par exemple +32 2 123 45 67.",
        "Niet verplicht. Bijvoorbeeld +32 2 123 45 67.",
        "Freiwillig. Zum Beispiel +32 87 12 34 56.",
        "Optional. For example +32 2 123 45 67.",
    ),
    "file_f_email_help": (
        "Pour la changer, écrivez la nouvelle : nous y envoyons un lien de confirmation.",
        "Om het te wijzigen, schrijf het nieuwe: wij sturen er een bevestigingslink naartoe.",
        "Um sie zu ändern, schreiben Sie die neue: Wir senden einen Bestätigungslink dorthin.",
        "To change it, write the new one: we send a confirmation link to it.",
    ),
    "file_save": ("Enregistrer", "Bewaren", "Speichern", "Save"),
    "file_err_missing": (
        "à remplir.",
        "moet ingevuld worden.",
        "bitte ausfüllen.",
        "please fill in.",
    ),
    "file_err_too_long": ("trop long.", "te lang.", "zu lang.", "too long."),
    "file_err_bad_text": (
        "contient un caractère invisible ou un retour à la ligne : retapez-le.",
        "bevat een onzichtbaar teken of een regeleinde: typ het opnieuw.",
        "enthält ein unsichtbares Zeichen oder einen Zeilenumbruch: bitte neu eingeben.",
        "contains an invisible character or a line break: please type it again.",
    ),
    "file_err_bad_postcode": (
        "écrivez un code postal valable, par exemple 1060.",
        "schrijf een geldige postcode, bijvoorbeeld 1060.",
        "schreiben Sie eine gültige Postleitzahl, zum Beispiel 4700.",
        "write a valid postcode, for example 1060.",
    ),
    "file_err_bad_country": (
        "écrivez le code du pays en deux lettres majuscules, par exemple BE.",
        "schrijf de landcode in twee hoofdletters, bijvoorbeeld BE.",
        "schreiben Sie den Ländercode mit zwei Großbuchstaben, zum Beispiel BE.",
        "write the country code in two capital letters, for example BE.",
    ),
    "file_err_bad_phone": (
        "écrivez un numéro avec au moins 8 chiffres, par exemple +32 2 123 45 67.",
        "schrijf een nummer met minstens 8 cijfers, bijvoorbeeld +32 2 123 45 67.",
        "schreiben Sie eine Nummer mit mindestens 8 Ziffern, zum Beispiel +32 87 12 34 56.",
        "write a number with at least 8 digits, for example +32 2 123 45 67.",
    ),
    "file_err_bad_email": (
        "écrivez une adresse complète, par exemple prenom.nom@exemple.be.",
        "schrijf een volledig adres, bijvoorbeeld voornaam.naam@voorbeeld.be.",
        "schreiben Sie eine vollständige Adresse, zum Beispiel vorname.name@beispiel.be.",
        "write a complete address, for example first.last@example.be.",
    ),
    "file_err_bad_language": (
        "choisissez une langue de la liste.",
        "kies een taal uit de lijst.",
        "wählen Sie eine Sprache aus der Liste.",
        "choose a language from the list.",
    ),
    "file_err_email_taken": (
        "cette adresse ne peut pas servir pour votre dossier : choisissez-en une autre.",
        "dit adres kan niet voor uw dossier gebruikt worden: kies een ander.",
        "diese Adresse kann nicht für Ihre Akte verwendet werden: wählen Sie eine andere.",
        "this address cannot be used for your file: choose another one.",
    ),
    "file_email_sent_title": (
        "Confirmez votre nouvelle adresse",
        "Bevestig uw nieuwe adres",
        "Bestätigen Sie Ihre neue Adresse",
        "Confirm your new address",
    ),
    "file_email_sent": (
        "Nous avons envoyé un lien de confirmation à {email}. Ouvrez-le dans ce navigateur-ci "
        "dans les 15 minutes. Rien ne change avant : nous vous écrivons toujours à votre "
        "adresse actuelle.",
        "Wij stuurden een bevestigingslink naar {email}. Open hem binnen 15 minuten in deze "
        "browser. Tot dan verandert er niets: wij schrijven u nog op uw huidige adres.",
        "Wir haben einen Bestätigungslink an {email} gesendet. Öffnen Sie ihn innerhalb von 15 "
        "Minuten in diesem Browser. Bis dahin ändert sich nichts: Wir schreiben Ihnen weiter "
        "an Ihre jetzige Adresse.",
        "We sent a confirmation link to {email}. Open it in this browser within 15 minutes. "
        "Nothing changes until then: we still write to your current address.",
    ),
    "file_email_not_changed": (
        "Cette adresse ne peut plus servir pour votre dossier : rien n'a été modifié.",
        "Dit adres kan niet meer voor uw dossier gebruikt worden: er is niets gewijzigd.",
        "Diese Adresse kann nicht mehr für Ihre Akte verwendet werden: Es wurde nichts geändert.",
        "This address can no longer be used for your file: nothing was changed.",
    ),
    "file_back": (
        "Retour à mon dossier",
        "Terug naar mijn dossier",
        "Zurück zu meiner Akte",
        "Back to my file",
    ),
}

LANGUAGE_NAMES: dict[str, tuple[str, str, str, str]] = {
    "fr": ("français", "Frans", "Französisch", "French"),
    "nl": ("néerlandais", "Nederlands", "Niederländisch", "Dutch"),
    "de": ("allemand", "Duits", "Deutsch", "German"),
    "en": ("anglais", "Engels", "Englisch", "English"),
}


def _keyed(prefix: str, table: dict[str, tuple[str, str, str, str]], i: int) -> dict[str, str]:
    return {f"{prefix}{name}": words[i] for name, words in table.items()}


LABELS: dict[str, dict[str, str]] = {
    lang: {
        **_keyed("", WORDS, i),
        **_keyed("file_lang_", LANGUAGE_NAMES, i),
        **_keyed("file_status_", STATUSES, i),
        **_keyed("file_doc_", DOCUMENTS, i),
        **_keyed("file_event_", EVENTS, i),
    }
    for i, lang in enumerate(LANGS)
}
