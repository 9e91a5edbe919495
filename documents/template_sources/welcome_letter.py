"""The welcome letter sent to a new member (onboarding)."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.members import WelcomeLetter
from documents.letter_form import letter_opening, signature


def sample(language: str) -> WelcomeLetter:
    return WelcomeLetter(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        member=Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent"),
        member_number="M0000042",
        office="Gent",
        share_class="A",
        shares=3,
        amount_cents=9000,
    )


def _opening(language: str) -> list[Block]:
    return letter_opening(language, "member", "{{ member_number }}")


SOURCE = TemplateSource(
    name="welcome_letter",
    blocks={
        "fr": [
            *_opening("fr"),
            Block("title", "Bienvenue chez {{ coop.name }}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block(
                "p",
                "Votre adhésion est acceptée. Votre numéro de membre est "
                "{{ member_number }} et votre bureau de référence est {{ office }}.",
            ),
            Block(
                "p",
                "Vous souscrivez {{ shares|plural('part', 'parts') }} de catégorie {{ share_class }}, "
                "soit {{ amount_cents|money }}. Vous devenez coopérateur dès réception "
                "du paiement.",
            ),
            Block(
                "p",
                "Une part par année d'utilisation des services suffit ; chaque coopérateur "
                "dispose d'une voix à l'assemblée générale, quel que soit le nombre de parts.",
            ),
            Block("p", "Avec nos salutations coopératives,"),
            signature("fr"),
        ],
        "nl": [
            *_opening("nl"),
            Block("title", "Welkom bij {{ coop.name }}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block(
                "p",
                "Uw lidmaatschap is aanvaard. Uw lidnummer is {{ member_number }} en uw "
                "referentiekantoor is {{ office }}.",
            ),
            Block(
                "p",
                "U tekent in op {{ shares|plural('aandeel', 'aandelen') }} van categorie "
                "{{ share_class }}, samen {{ amount_cents|money }}. U wordt vennoot zodra "
                "de betaling ontvangen is.",
            ),
            Block(
                "p",
                "Eén aandeel per jaar dat u de diensten gebruikt volstaat; elke vennoot "
                "heeft één stem op de algemene vergadering, hoeveel aandelen ook.",
            ),
            Block("p", "Met coöperatieve groeten,"),
            signature("nl"),
        ],
        "de": [
            *_opening("de"),
            Block("title", "Willkommen bei {{ coop.name }}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block(
                "p",
                "Ihre Mitgliedschaft ist angenommen. Ihre Mitgliedsnummer lautet "
                "{{ member_number }}, Ihr Referenzbüro ist {{ office }}.",
            ),
            Block(
                "p",
                "Sie zeichnen {{ shares|plural('Anteil', 'Anteile') }} der Kategorie {{ share_class }}, "
                "insgesamt {{ amount_cents|money }}. Sie werden Genossenschafter, sobald "
                "die Zahlung eingegangen ist.",
            ),
            Block(
                "p",
                "Ein Anteil pro Nutzungsjahr genügt; jedes Mitglied hat in der "
                "Generalversammlung eine Stimme, unabhängig von der Zahl der Anteile.",
            ),
            Block("p", "Mit genossenschaftlichen Grüßen,"),
            signature("de"),
        ],
        "en": [
            *_opening("en"),
            Block("title", "Welcome to {{ coop.name }}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block(
                "p",
                "Your membership has been accepted. Your member number is "
                "{{ member_number }} and your office is {{ office }}.",
            ),
            Block(
                "p",
                "You subscribe {{ shares|plural('class ' ~ share_class ~ ' share', 'class ' ~ share_class ~ ' shares') }}, "
                "{{ amount_cents|money }} in all. You become a shareholder as soon as "
                "the payment is received.",
            ),
            Block(
                "p",
                "One share per year of use of the services is enough; every member has "
                "one vote at the general assembly, however many shares they hold.",
            ),
            Block("p", "With cooperative greetings,"),
            signature("en"),
        ],
    },
    sample=sample,
    key_text={
        "fr": "Bienvenue chez SmartCoop SC",
        "nl": "Welkom bij SmartCoop SC",
        "de": "Willkommen bei SmartCoop SC",
        "en": "Welcome to SmartCoop SC",
    },
)
