"""The convocation to the general assembly: agenda with the exact texts, practical details."""

from documents.assembly_samples import TODAY, agenda, coop, meeting
from documents.authoring import Block, TemplateSource
from documents.contexts.assembly import AssemblyConvocation


def sample(language: str) -> AssemblyConvocation:
    return AssemblyConvocation(
        language=language,
        coop=coop(),
        today=TODAY,
        meeting=meeting(language),
        agenda=agenda(),
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
    )


SOURCE = TemplateSource(
    name="assembly_convocation",
    slim=True,
    blocks={
        "fr": [
            Block("p", "{{ coop.address }}, le {{ today|date }}"),
            Block("title", "Convocation — {{ meeting.title }}"),
            Block("p", "Chère coopératrice, cher coopérateur,"),
            Block(
                "p",
                "Le conseil d'administration de {{ coop.name }} vous convoque à l'assemblée "
                "générale qui se tiendra le {{ meeting.when }} à l'adresse suivante : "
                "{{ meeting.place }}.",
            ),
            Block("p", "{{ meeting.remote_voting }}"),
            Block(
                "p",
                "Votent les coopérateurs inscrits au registre des parts le "
                "{{ meeting.record_date }}, pour leurs parts entièrement libérées. Le vote "
                "électronique est ouvert du {{ meeting.voting_opens }} au "
                "{{ meeting.voting_closes }}.",
            ),
            Block("heading", "Ordre du jour et propositions de décision"),
            _agenda(("N°", "Point", "Texte proposé", "Majorité")),
            Block("p", "{{ board_report }}"),
            Block("heading", "Comment voter"),
            Block(
                "p",
                "Votre bulletin de vote personnel est joint : il porte un code unique et un "
                "code QR. Votez en ligne sur {{ meeting.vote_url }} avec ce code, ou "
                "renvoyez le bulletin papier complété, ou votez en séance.",
            ),
            Block("heading", "Procuration"),
            Block(
                "p",
                "Vous pouvez vous faire représenter au moyen du formulaire de procuration "
                "joint ; un mandataire peut détenir au plus {{ proxies_per_holder }} "
                "procuration(s). Remettez-lui votre bulletin avec le formulaire signé.",
            ),
            Block("p", "Le conseil d'administration de {{ coop.name }}"),
        ],
        "nl": [
            Block("p", "{{ coop.address }}, {{ today|date }}"),
            Block("title", "Oproeping — {{ meeting.title }}"),
            Block("p", "Beste vennoot,"),
            Block(
                "p",
                "De raad van bestuur van {{ coop.name }} roept u op voor de algemene "
                "vergadering op {{ meeting.when }} op het volgende adres: {{ meeting.place }}.",
            ),
            Block("p", "{{ meeting.remote_voting }}"),
            Block(
                "p",
                "Stemgerechtigd zijn de vennoten die op {{ meeting.record_date }} in het "
                "aandelenregister staan, voor hun volgestorte aandelen. Elektronisch stemmen "
                "kan van {{ meeting.voting_opens }} tot {{ meeting.voting_closes }}.",
            ),
            Block("heading", "Agenda en voorstellen tot besluit"),
            _agenda(("Nr.", "Punt", "Voorgestelde tekst", "Meerderheid")),
            Block("p", "{{ board_report }}"),
            Block("heading", "Hoe stemmen"),
            Block(
                "p",
                "Uw persoonlijk stembiljet zit in bijlage: het draagt een unieke code en een "
                "QR-code. Stem online op {{ meeting.vote_url }} met die code, stuur het "
                "ingevulde papieren stembiljet terug, of stem op de vergadering.",
            ),
            Block("heading", "Volmacht"),
            Block(
                "p",
                "U kunt zich laten vertegenwoordigen met het volmachtformulier in bijlage; "
                "een volmachthouder mag ten hoogste {{ proxies_per_holder }} volmacht(en) "
                "hebben. Geef hem uw stembiljet samen met het ondertekende formulier.",
            ),
            Block("p", "De raad van bestuur van {{ coop.name }}"),
        ],
        "de": [
            Block("p", "{{ coop.address }}, den {{ today|date }}"),
            Block("title", "Einberufung — {{ meeting.title }}"),
            Block("p", "Liebes Genossenschaftsmitglied,"),
            Block(
                "p",
                "Der Verwaltungsrat von {{ coop.name }} lädt Sie zur Generalversammlung am "
                "{{ meeting.when }} an folgender Adresse ein: {{ meeting.place }}.",
            ),
            Block("p", "{{ meeting.remote_voting }}"),
            Block(
                "p",
                "Stimmberechtigt sind die am {{ meeting.record_date }} im Anteilsregister "
                "eingetragenen Mitglieder, für ihre voll eingezahlten Anteile. Die "
                "elektronische Abstimmung ist vom {{ meeting.voting_opens }} bis zum "
                "{{ meeting.voting_closes }} geöffnet.",
            ),
            Block("heading", "Tagesordnung und Beschlussvorschläge"),
            _agenda(("Nr.", "Punkt", "Vorgeschlagener Text", "Mehrheit")),
            Block("p", "{{ board_report }}"),
            Block("heading", "Wie abstimmen"),
            Block(
                "p",
                "Ihr persönlicher Stimmzettel liegt bei: er trägt einen eindeutigen Code und "
                "einen QR-Code. Stimmen Sie online unter {{ meeting.vote_url }} mit diesem "
                "Code ab, senden Sie den ausgefüllten Stimmzettel zurück oder stimmen Sie in "
                "der Versammlung ab.",
            ),
            Block("heading", "Vollmacht"),
            Block(
                "p",
                "Sie können sich mit dem beiliegenden Vollmachtsformular vertreten lassen; "
                "ein Bevollmächtigter darf höchstens {{ proxies_per_holder }} Vollmacht(en) "
                "halten. Geben Sie ihm Ihren Stimmzettel mit dem unterschriebenen Formular.",
            ),
            Block("p", "Der Verwaltungsrat von {{ coop.name }}"),
        ],
        "en": [
            Block("p", "{{ coop.address }}, {{ today|date }}"),
            Block("title", "Notice of meeting — {{ meeting.title }}"),
            Block("p", "Dear member,"),
            Block(
                "p",
                "The board of {{ coop.name }} convenes you to the general assembly on "
                "{{ meeting.when }} at the following address: {{ meeting.place }}.",
            ),
            Block("p", "{{ meeting.remote_voting }}"),
            Block(
                "p",
                "Members entered in the share register on {{ meeting.record_date }} vote, for "
                "their fully paid shares. Electronic voting is open from "
                "{{ meeting.voting_opens }} to {{ meeting.voting_closes }}.",
            ),
            Block("heading", "Agenda and proposed resolutions"),
            _agenda(("No.", "Item", "Proposed text", "Majority")),
            Block("p", "{{ board_report }}"),
            Block("heading", "How to vote"),
            Block(
                "p",
                "Your personal ballot is attached: it carries a unique code and a QR code. "
                "Vote online at {{ meeting.vote_url }} with that code, return the completed "
                "paper ballot, or vote at the meeting.",
            ),
            Block("heading", "Proxy"),
            Block(
                "p",
                "You may be represented using the attached proxy form; a proxy holder may "
                "hold at most {{ proxies_per_holder }} proxies. Give them your ballot together "
                "with the signed form.",
            ),
            Block("p", "The board of {{ coop.name }}"),
        ],
    },
    sample=sample,
    key_text={
        "fr": "Ordre du jour et propositions de décision",
        "nl": "Agenda en voorstellen tot besluit",
        "de": "Tagesordnung und Beschlussvorschläge",
        "en": "Agenda and proposed resolutions",
    },
)
