"""The personalised ballot: the voter, the ballot code with its QR code, a line per resolution."""

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
        ballot_url="http://127.0.0.1:8765/b/7K3MQ9TDABCDEFGHJKMNPQRSTVWX",
        lines=lines(),
    )


def _lines(headers: tuple[str, str, str]) -> Block:
    return Block(
        "table",
        headers=headers,
        loop="line in lines",
        cells=("{{ line.code }}", "{{ line.title }}", "{{ line.choices }}"),
    )


def _blocks(t: dict[str, str], headers: tuple[str, str, str]) -> list[Block]:
    return [
        Block("title", t["title"]),
        Block("p", "{{ voter.name }} — {{ member_number }}"),
        Block("p", t["weight"]),
        Block("heading", t["code"]),
        Block("p", "{{ ballot_code }}"),
        Block("image", "{% if qr is defined %}{{ qr }}{% endif %}"),
        Block("small", "{{ ballot_url }}"),
        Block("p", t["how"]),
        _lines(headers),
        Block("p", t["sign"]),
        Block("small", t["secret"]),
    ]


SOURCE = TemplateSource(
    name="assembly_ballot",
    slim=True,
    blocks={
        "fr": _blocks(
            {
                "title": "Bulletin de vote personnel — {{ meeting.title }}",
                "weight": "Parts entièrement libérées au {{ meeting.record_date }} : {{ shares }}"
                " ; nombre de voix : {{ weight }}.",
                "code": "Votre code de vote",
                "how": "Votez en ligne avant le {{ meeting.voting_closes }} en scannant le code "
                "QR ou en tapant le code sur {{ meeting.vote_url }}. Sur papier : cochez une "
                "case par point et renvoyez ce bulletin signé.",
                "sign": "Signature : ..............................",
                "secret": "Ce code est personnel : ne le communiquez qu'à votre mandataire. "
                "Votre choix reste secret ; seul le fait d'avoir voté est enregistré.",
            },
            ("N°", "Point", "Votre vote"),
        ),
        "nl": _blocks(
            {
                "title": "Persoonlijk stembiljet — {{ meeting.title }}",
                "weight": "Volgestorte aandelen op {{ meeting.record_date }}: {{ shares }}; "
                "aantal stemmen: {{ weight }}.",
                "code": "Uw stemcode",
                "how": "Stem online vóór {{ meeting.voting_closes }} door de QR-code te scannen "
                "of de code in te typen op {{ meeting.vote_url }}. Op papier: kruis per punt "
                "één vakje aan en stuur dit ondertekende stembiljet terug.",
                "sign": "Handtekening: ..............................",
                "secret": "Deze code is persoonlijk: geef hem enkel aan uw volmachthouder. Uw "
                "keuze blijft geheim; enkel het feit dat u stemde wordt bijgehouden.",
            },
            ("Nr.", "Punt", "Uw stem"),
        ),
        "de": _blocks(
            {
                "title": "Persönlicher Stimmzettel — {{ meeting.title }}",
                "weight": "Voll eingezahlte Anteile am {{ meeting.record_date }}: {{ shares }}; "
                "Stimmenzahl: {{ weight }}.",
                "code": "Ihr Abstimmungscode",
                "how": "Stimmen Sie online vor dem {{ meeting.voting_closes }} ab: QR-Code "
                "scannen oder den Code unter {{ meeting.vote_url }} eingeben. Auf Papier: pro "
                "Punkt ein Kästchen ankreuzen und diesen Stimmzettel unterschrieben "
                "zurücksenden.",
                "sign": "Unterschrift: ..............................",
                "secret": "Dieser Code ist persönlich: geben Sie ihn nur Ihrem Bevollmächtigten. "
                "Ihre Wahl bleibt geheim; gespeichert wird nur, dass Sie abgestimmt haben.",
            },
            ("Nr.", "Punkt", "Ihre Stimme"),
        ),
        "en": _blocks(
            {
                "title": "Personal ballot — {{ meeting.title }}",
                "weight": "Fully paid shares on {{ meeting.record_date }}: {{ shares }}; "
                "votes: {{ weight }}.",
                "code": "Your ballot code",
                "how": "Vote online before {{ meeting.voting_closes }} by scanning the QR code "
                "or typing the code at {{ meeting.vote_url }}. On paper: tick one box per item "
                "and return this ballot signed.",
                "sign": "Signature: ..............................",
                "secret": "This code is personal: give it only to your proxy holder. Your "
                "choice stays secret; only the fact that you voted is recorded.",
            },
            ("No.", "Item", "Your vote"),
        ),
    },
    sample=sample,
    key_text={
        "fr": "Bulletin de vote personnel",
        "nl": "Persoonlijk stembiljet",
        "de": "Persönlicher Stimmzettel",
        "en": "Personal ballot",
    },
)
