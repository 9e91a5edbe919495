"""The personalised ballot: the voter, the ballot code with its QR code for voting online, and
a paper ballot to detach, returned by post in a double envelope so the vote stays secret."""

from documents.assembly_samples import TODAY, coop, lines, meeting, voter
from documents.authoring import Block, TemplateSource
from documents.contexts.assembly import AssemblyBallot


def sample(language: str) -> AssemblyBallot:
    return AssemblyBallot(
        language=language,
        coop=coop(),
        today=TODAY,
        meeting=meeting(language),
        voter=voter(),
        member_number="M0000042",
        shares=3,
        weight=1,
        ballot_code="7K3M-Q9TD-ABCD-EFGH-JKMN-PQRS-TVWX",
        ballot_url="https://vote.smart.coop/b/7K3MQ9TDABCDEFGHJKMNPQRSTVWX",
        lines=lines(language),
    )


# How a paper vote stays secret: the double envelope (shared with the convocation).
PAPER = {
    "fr": "Par courrier, en gardant votre vote secret (double enveloppe) : cochez vos choix sur"
    " le bulletin papier à détacher de votre bulletin de vote, sans le signer ni y écrire"
    " votre nom. Glissez-le seul dans une enveloppe blanche que vous fermez. Mettez cette"
    " enveloppe dans une seconde enveloppe ; au dos de celle-ci, écrivez votre nom et "
    "votre numéro de membre, et signez. Envoyez-la au secrétariat de l'assemblée "
    "générale, {{ coop.name }}, {{ coop.address }} : elle doit nous parvenir au plus tard"
    " le {{ meeting.voting_closes }}. Le secrétariat vérifie l'enveloppe extérieure sur "
    "la liste des votants, puis dépose l'enveloppe intérieure, fermée, dans l'urne ; les "
    "enveloppes intérieures sont ouvertes ensemble au dépouillement. Ne votez qu'une fois"
    " : en ligne ou par courrier.",
    "nl": "Per post, met een geheime stem (dubbele envelop): kruis uw keuzes aan op het "
    "papieren stembiljet (het deel dat u van uw stembiljet losmaakt), zonder het te "
    "ondertekenen of er uw naam op te schrijven. Steek het alleen in een witte envelop en"
    " sluit die. Steek die envelop in een tweede envelop; schrijf op de achterkant "
    "daarvan uw naam en lidnummer, en onderteken. Stuur ze naar het secretariaat van de "
    "algemene vergadering, {{ coop.name }}, {{ coop.address }}: ze moet ons uiterlijk op "
    "{{ meeting.voting_closes }} bereiken. Het secretariaat controleert de buitenste "
    "envelop op de kiezerslijst en steekt de binnenste envelop, gesloten, in de stembus; "
    "de binnenste enveloppen worden samen geopend bij de telling. Stem maar één keer: "
    "online of per post.",
    "de": "Per Post, mit geheimer Stimme (doppelter Umschlag): Kreuzen Sie Ihre Wahl auf dem "
    "Papierstimmzettel (dem abtrennbaren Teil Ihres Stimmzettels) an, ohne ihn zu "
    "unterschreiben oder Ihren Namen darauf zu schreiben. Stecken Sie ihn allein in einen"
    " weißen Umschlag und verschließen Sie diesen. Stecken Sie diesen Umschlag in einen "
    "zweiten Umschlag; schreiben Sie auf dessen Rückseite Ihren Namen und Ihre "
    "Mitgliedsnummer und unterschreiben Sie. Senden Sie ihn an das Sekretariat der "
    "Generalversammlung, {{ coop.name }}, {{ coop.address }}: Er muss spätestens am "
    "{{ meeting.voting_closes }} bei uns eingehen. Das Sekretariat prüft den äußeren "
    "Umschlag anhand der Liste der Stimmberechtigten und legt den inneren Umschlag "
    "verschlossen in die Urne; die inneren Umschläge werden bei der Auszählung gemeinsam "
    "geöffnet. Stimmen Sie nur einmal ab: online oder per Post.",
    "en": "By post, keeping your vote secret (double envelope): tick your choices on the paper "
    "ballot (the part you detach from your ballot) without signing it or writing your "
    "name on it. Put it alone in a plain envelope and seal it. Put that envelope in a "
    "second envelope; on the back of this one write your name and member number, and "
    "sign. Send it to the secretariat of the general assembly, {{ coop.name }}, "
    "{{ coop.address }}: it must reach us by {{ meeting.voting_closes }}. The secretariat"
    " checks the outer envelope against the list of voters and puts the inner envelope, "
    "still sealed, in the ballot box; the inner envelopes are opened together at the "
    "count. Vote only once: online or by post.",
}
# The voting window as the letter's date sees it (voting_opens is empty once it is open).
ONLINE_WINDOW = {
    "fr": "{% if meeting.voting_opens %}du {{ meeting.voting_opens }} au "
    "{{ meeting.voting_closes }}{% else %}dès maintenant et jusqu'au "
    "{{ meeting.voting_closes }}{% endif %}",
    "nl": "{% if meeting.voting_opens %}van {{ meeting.voting_opens }} tot "
    "{{ meeting.voting_closes }}{% else %}vanaf nu tot {{ meeting.voting_closes }}{% endif %}",
    "de": "{% if meeting.voting_opens %}vom {{ meeting.voting_opens }} bis zum "
    "{{ meeting.voting_closes }}{% else %}ab sofort bis zum {{ meeting.voting_closes }}"
    "{% endif %}",
    "en": "{% if meeting.voting_opens %}from {{ meeting.voting_opens }} until "
    "{{ meeting.voting_closes }}{% else %}from now until {{ meeting.voting_closes }}"
    "{% endif %}",
}
_CUT = "✂ - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -"


def _blocks(t: dict[str, str], language: str, headers: tuple[str, str, str]) -> list[Block]:
    return [
        Block("title", t["title"]),
        Block("p", "{{ voter.name }}"),
        Block("p", t["number"]),
        Block("p", t["weight"]),
        Block("heading", t["online"]),
        Block("p", t["how"].replace("{window}", ONLINE_WINDOW[language])),
        Block("p", "{{ ballot_code }}"),
        Block("image", "{% if qr is defined %}{{ qr }}{% endif %}"),
        Block("small", "{{ ballot_url }}"),
        Block("small", t["secret"]),
        Block("heading", t["post"]),
        Block("p", PAPER[language]),
        Block("p", _CUT),
        Block("heading", t["paper"]),
        Block("p", t["paper_code"]),
        Block(
            "table",
            headers=headers,
            loop="line in lines",
            cells=("{{ line.code }}", "{{ line.title }}", "{{ line.choices }}"),
            widths=(1.4, 6.3, 7.5),
        ),
        Block("small", t["unsigned"]),
    ]


TEXT = {
    "fr": {
        "title": "Bulletin de vote personnel — {{ meeting.title }}",
        "number": "Numéro de membre : {{ member_number }}",
        "weight": "Parts entièrement libérées au {{ meeting.record_date }} : {{ shares }} ; "
        "nombre de voix : {{ weight }}.",
        "online": "Voter en ligne",
        "how": "Scannez le code QR ou tapez votre code de vote sur {{ meeting.vote_url }}, "
        "{window}. Votre code de vote :",
        "secret": "Ce code est personnel : ne le communiquez qu'à votre mandataire. Votre choix "
        "reste secret ; seul le fait d'avoir voté est enregistré.",
        "post": "Voter par courrier",
        "paper": "Bulletin papier — {{ meeting.title }}",
        "paper_code": "Code de vote : {{ ballot_code }}",
        "unsigned": "Ne signez pas ce bulletin et n'y écrivez pas votre nom : votre signature "
        "va sur l'enveloppe extérieure.",
    },
    "nl": {
        "title": "Persoonlijk stembiljet — {{ meeting.title }}",
        "number": "Lidnummer: {{ member_number }}",
        "weight": "Volgestorte aandelen op {{ meeting.record_date }}: {{ shares }}; aantal "
        "stemmen: {{ weight }}.",
        "online": "Online stemmen",
        "how": "Scan de QR-code of typ uw stemcode in op {{ meeting.vote_url }}, {window}. Uw "
        "stemcode:",
        "secret": "Deze code is persoonlijk: geef hem enkel aan uw volmachthouder. Uw keuze "
        "blijft geheim; enkel het feit dat u stemde wordt bijgehouden.",
        "post": "Per post stemmen",
        "paper": "Papieren stembiljet — {{ meeting.title }}",
        "paper_code": "Stemcode: {{ ballot_code }}",
        "unsigned": "Onderteken dit stembiljet niet en schrijf er uw naam niet op: uw "
        "handtekening komt op de buitenste envelop.",
    },
    "de": {
        "title": "Persönlicher Stimmzettel — {{ meeting.title }}",
        "number": "Mitgliedsnummer: {{ member_number }}",
        "weight": "Voll eingezahlte Anteile am {{ meeting.record_date }}: {{ shares }}; "
        "Stimmenzahl: {{ weight }}.",
        "online": "Online abstimmen",
        "how": "Scannen Sie den QR-Code oder geben Sie Ihren Abstimmungscode unter "
        "{{ meeting.vote_url }} ein, {window}. Ihr Abstimmungscode:",
        "secret": "Dieser Code ist persönlich: Geben Sie ihn nur Ihrem Bevollmächtigten. Ihre "
        "Wahl bleibt geheim; gespeichert wird nur, dass Sie abgestimmt haben.",
        "post": "Per Post abstimmen",
        "paper": "Papierstimmzettel — {{ meeting.title }}",
        "paper_code": "Abstimmungscode: {{ ballot_code }}",
        "unsigned": "Unterschreiben Sie diesen Stimmzettel nicht und schreiben Sie Ihren Namen "
        "nicht darauf: Ihre Unterschrift gehört auf den äußeren Umschlag.",
    },
    "en": {
        "title": "Personal ballot — {{ meeting.title }}",
        "number": "Member number: {{ member_number }}",
        "weight": "Fully paid shares on {{ meeting.record_date }}: {{ shares }}; votes: "
        "{{ weight }}.",
        "online": "Vote online",
        "how": "Scan the QR code or type your ballot code at {{ meeting.vote_url }}, {window}. "
        "Your ballot code:",
        "secret": "This code is personal: give it only to your proxy holder. Your choice stays "
        "secret; only the fact that you voted is recorded.",
        "post": "Vote by post",
        "paper": "Paper ballot — {{ meeting.title }}",
        "paper_code": "Ballot code: {{ ballot_code }}",
        "unsigned": "Do not sign this ballot or write your name on it: your signature goes on "
        "the outer envelope.",
    },
}
HEADERS = {
    "fr": ("N°", "Point", "Votre vote"),
    "nl": ("Nr.", "Punt", "Uw stem"),
    "de": ("Nr.", "Punkt", "Ihre Stimme"),
    "en": ("No.", "Item", "Your vote"),
}

SOURCE = TemplateSource(
    name="assembly_ballot",
    slim=True,
    blocks={lang: _blocks(TEXT[lang], lang, HEADERS[lang]) for lang in TEXT},
    sample=sample,
    key_text={
        "fr": "Bulletin de vote personnel",
        "nl": "Persoonlijk stembiljet",
        "de": "Persönlicher Stimmzettel",
        "en": "Personal ballot",
    },
)
