"""The convocation to the general assembly: agenda with the exact texts, practical details."""

from documents.assembly_samples import TODAY, agenda, coop, meeting
from documents.authoring import Block, TemplateSource
from documents.contexts.assembly import AssemblyConvocation
from documents.template_sources.assembly_ballot import ONLINE_WINDOW, PAPER


def sample(language: str) -> AssemblyConvocation:
    return AssemblyConvocation(
        language=language,
        coop=coop(),
        today=TODAY,
        meeting=meeting(language),
        agenda=agenda(language),
        board_report="",
        proxies_per_holder=2,
    )


def _agenda(headers: tuple[str, ...]) -> Block:
    return Block(
        "table",
        headers=headers,
        loop="item in agenda",
        cells=(
            "{{ item.code }}",
            "{{ item.title }}",
            "{{ item.text }}{% if item.candidates %} — {{ item.candidates }}{% endif %}",
            "{{ item.majority }}",
        ),
        widths=(1.2, 4.0, 6.5, 3.5),
    )


def _blocks(t: dict[str, str], language: str) -> list[Block]:
    return [
        Block("p", t["dated"]),
        Block("title", t["title"]),
        Block("p", t["hello"]),
        Block("p", t["convened"]),
        Block("p", "{{ meeting.remote_voting }}"),
        Block("p", t["voters"].replace("{window}", ONLINE_WINDOW[language])),
        Block("heading", t["agenda"]),
        _agenda(tuple(t["headers"].split("|"))),
        Block("p", "{{ board_report }}"),
        Block("heading", t["how"]),
        Block("p", t["online"]),
        Block("p", PAPER[language]),
        Block("p", t["in_person"]),
        Block("heading", t["proxy"]),
        Block("p", t["proxy_text"]),
        Block("p", t["signed"]),
    ]


TEXT = {
    "fr": {
        "dated": "{{ coop.place.fr }}, le {{ today|date }}",
        "title": "Convocation — {{ meeting.title }}",
        "hello": "Chère coopératrice, cher coopérateur,",
        "convened": "Le conseil d'administration de {{ coop.name }} vous convoque à l'assemblée "
        "générale qui se tiendra le {{ meeting.when }} à l'adresse suivante : "
        "{{ meeting.place }}.{% if meeting.online_link %} Vous pouvez aussi y participer en "
        "ligne : {{ meeting.online_link }}{% endif %}",
        "voters": "Votent les coopérateurs et coopératrices inscrits au registre des parts le "
        "{{ meeting.record_date }}, pour leurs parts entièrement libérées. Le vote électronique "
        "est ouvert {window}.",
        "agenda": "Ordre du jour et propositions de décision",
        "headers": "N°|Point|Texte proposé|Majorité",
        "how": "Comment voter",
        "online": "En ligne : votre bulletin de vote personnel est joint ; il porte un code "
        "unique et un code QR. Votez sur {{ meeting.vote_url }} avec ce code.",
        "in_person": "En séance : présentez-vous à l'assemblée avec votre bulletin.",
        "proxy": "Procuration",
        "proxy_text": "Vous pouvez vous faire représenter au moyen du formulaire de procuration "
        "joint ; un mandataire peut détenir au plus "
        "{{ proxies_per_holder|plural('procuration', 'procurations') }}. Remettez-lui votre "
        "bulletin avec le formulaire signé.",
        "signed": "Le conseil d'administration de {{ coop.name }}",
    },
    "nl": {
        "dated": "{{ coop.place.nl }}, {{ today|date }}",
        "title": "Oproeping — {{ meeting.title }}",
        "hello": "Beste vennoot,",
        "convened": "De raad van bestuur van {{ coop.name }} roept u op voor de algemene "
        "vergadering op {{ meeting.when }} op het volgende adres: {{ meeting.place }}."
        "{% if meeting.online_link %} U kunt ook online deelnemen: "
        "{{ meeting.online_link }}{% endif %}",
        "voters": "Stemgerechtigd zijn de vennoten die op {{ meeting.record_date }} in het "
        "aandelenregister staan, voor hun volgestorte aandelen. Elektronisch stemmen kan "
        "{window}.",
        "agenda": "Agenda en voorstellen tot besluit",
        "headers": "Nr.|Punt|Voorgestelde tekst|Meerderheid",
        "how": "Hoe stemmen",
        "online": "Online: uw persoonlijk stembiljet zit in bijlage; het draagt een unieke "
        "code en een QR-code. Stem op {{ meeting.vote_url }} met die code.",
        "in_person": "Op de vergadering: kom met uw stembiljet naar de vergadering.",
        "proxy": "Volmacht",
        "proxy_text": "U kunt zich laten vertegenwoordigen met het volmachtformulier in "
        "bijlage; een volmachthouder mag ten hoogste "
        "{{ proxies_per_holder|plural('volmacht', 'volmachten') }} hebben. Geef hem of haar uw "
        "stembiljet samen met het ondertekende formulier.",
        "signed": "De raad van bestuur van {{ coop.name }}",
    },
    "de": {
        "dated": "{{ coop.place.de }}, den {{ today|date }}",
        "title": "Einberufung — {{ meeting.title }}",
        "hello": "Liebes Genossenschaftsmitglied,",
        "convened": "Der Verwaltungsrat von {{ coop.name }} lädt Sie zur Generalversammlung am "
        "{{ meeting.when }} an folgender Adresse ein: {{ meeting.place }}."
        "{% if meeting.online_link %} Sie können auch online teilnehmen: "
        "{{ meeting.online_link }}{% endif %}",
        "voters": "Stimmberechtigt sind die am {{ meeting.record_date }} im Anteilsregister "
        "eingetragenen Mitglieder, für ihre voll eingezahlten Anteile. Die elektronische "
        "Abstimmung ist {window} geöffnet.",
        "agenda": "Tagesordnung und Beschlussvorschläge",
        "headers": "Nr.|Punkt|Vorgeschlagener Text|Mehrheit",
        "how": "Wie abstimmen",
        "online": "Online: Ihr persönlicher Stimmzettel liegt bei; er trägt einen eindeutigen "
        "Code und einen QR-Code. Stimmen Sie unter {{ meeting.vote_url }} mit diesem Code ab.",
        "in_person": "In der Versammlung: Bringen Sie Ihren Stimmzettel mit.",
        "proxy": "Vollmacht",
        "proxy_text": "Sie können sich mit dem beiliegenden Vollmachtsformular vertreten "
        "lassen; ein Bevollmächtigter darf höchstens "
        "{{ proxies_per_holder|plural('Vollmacht', 'Vollmachten') }} halten. Geben Sie ihm "
        "Ihren Stimmzettel mit dem unterschriebenen Formular.",
        "signed": "Der Verwaltungsrat von {{ coop.name }}",
    },
    "en": {
        "dated": "{{ coop.place.en }}, {{ today|date }}",
        "title": "Notice of meeting — {{ meeting.title }}",
        "hello": "Dear member,",
        "convened": "The board of {{ coop.name }} convenes you to the general assembly on "
        "{{ meeting.when }} at the following address: {{ meeting.place }}."
        "{% if meeting.online_link %} You may also take part online: "
        "{{ meeting.online_link }}{% endif %}",
        "voters": "Members entered in the share register on {{ meeting.record_date }} vote, "
        "for their fully paid shares. Electronic voting is open {window}.",
        "agenda": "Agenda and proposed resolutions",
        "headers": "No.|Item|Proposed text|Majority",
        "how": "How to vote",
        "online": "Online: your personal ballot is attached; it carries a unique code and a "
        "QR code. Vote at {{ meeting.vote_url }} with that code.",
        "in_person": "At the meeting: come to the assembly with your ballot.",
        "proxy": "Proxy",
        "proxy_text": "You may be represented using the attached proxy form; a proxy holder may "
        "hold at most {{ proxies_per_holder|plural('proxy', 'proxies') }}. Give them your "
        "ballot together with the signed form.",
        "signed": "The board of {{ coop.name }}",
    },
}


SOURCE = TemplateSource(
    name="assembly_convocation",
    slim=True,
    blocks={lang: _blocks(TEXT[lang], lang) for lang in TEXT},
    sample=sample,
    key_text={
        "fr": "Ordre du jour et propositions de décision",
        "nl": "Agenda en voorstellen tot besluit",
        "de": "Tagesordnung und Beschlussvorschläge",
        "en": "Agenda and proposed resolutions",
    },
)
