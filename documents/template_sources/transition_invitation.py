"""The transition invitation: why the cooperative, what a share costs and covers, how to pay."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Addressee, Coop
from documents.contexts.transition import TransitionInvitation
from documents.letter_form import letter_opening


def sample(language: str) -> TransitionInvitation:
    return TransitionInvitation(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        member=Addressee(name=HOSTILE_TEXT, street="Kerkstraat 1", postcode="9000", city="Gent"),
        member_number="M0000042",
        office="Gent",
        share_class="A",
        shares=1,
        amount_cents=3000,
        iban="BE71 0961 2345 6769",
        bic="GKCCBEBB",
        communication="+++000/0000/04242+++",
        deadline=date(2027, 1, 31),
        restriction_on=date(2027, 3, 1),
        year=2026,
        questions="backoffice@smart.coop",
    )


_QR = Block("image", "{% if qr is defined %}{{ qr }}{% endif %}")
_PAYMENT = (
    "{{ amount_cents|money }} · IBAN {{ iban|iban }} · BIC {{ bic }} · "
    "{{ communication|communication }}"
)

SOURCE = TemplateSource(
    name="transition_invitation",
    slim=True,  # mass-mailed (documents/slim.py)
    blocks={
        "fr": [
            *letter_opening("fr", "member"),
            Block("title", "Devenez coopérateur de {{ coop.name }}"),
            Block("p", "{% if member_number %}Numéro de membre : {{ member_number }}{% endif %}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block("heading", "Pourquoi une coopérative ?"),
            Block(
                "p",
                "{{ coop.name }} appartient à celles et ceux qui utilisent ses services. En "
                "devenant coopérateur, vous devenez copropriétaire : une personne, une voix à "
                "l'assemblée générale, quel que soit le nombre de parts.",
            ),
            Block("heading", "Ce qu'une part coûte et couvre"),
            Block(
                "p",
                "Une part de catégorie {{ share_class }} coûte {{ amount_cents|money }}. Il faut "
                "une part par année d'utilisation des services : la part souscrite en {{ year }} "
                "couvre l'année {{ year }}. Sans part, plus de facturation ni de nouvelle activité "
                "à partir du {{ restriction_on|date }}.",
            ),
            Block("heading", "Comment payer"),
            Block(
                "p",
                "Virez {{ amount_cents|money }} avant le {{ deadline|date }} au compte "
                "{{ iban|iban }} (BIC {{ bic }}) de {{ coop.name }}, avec la communication "
                "structurée {{ communication|communication }}. Ou scannez ce code avec votre application "
                "bancaire :",
            ),
            _QR,
            Block("small", _PAYMENT),
            Block(
                "p",
                "Vous devenez coopérateur dès réception du paiement ; votre certificat vous "
                "sera envoyé.",
            ),
            Block("heading", "Des questions ?"),
            Block(
                "p",
                "Écrivez à {{ questions }} ou passez à votre bureau ({{ office }}). Si vous ne "
                "souhaitez pas souscrire maintenant, dites-le-nous : nous ne vous relancerons plus.",
            ),
            Block("p", "Avec nos salutations coopératives,"),
            Block("p", "L'équipe de {{ coop.name }}"),
        ],
        "nl": [
            *letter_opening("nl", "member"),
            Block("title", "Word vennoot van {{ coop.name }}"),
            Block("p", "{% if member_number %}Lidnummer: {{ member_number }}{% endif %}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block("heading", "Waarom een coöperatie?"),
            Block(
                "p",
                "{{ coop.name }} is van wie haar diensten gebruikt. Als vennoot wordt u "
                "mede-eigenaar: één persoon, één stem op de algemene vergadering, hoeveel "
                "aandelen u ook heeft.",
            ),
            Block("heading", "Wat een aandeel kost en dekt"),
            Block(
                "p",
                "Een aandeel van categorie {{ share_class }} kost {{ amount_cents|money }}. U "
                "heeft één aandeel per jaar dat u de diensten gebruikt nodig: het aandeel "
                "onderschreven in {{ year }} dekt het jaar {{ year }}. Zonder aandeel kunt u "
                "vanaf {{ restriction_on|date }} niet meer factureren of een nieuwe activiteit "
                "starten.",
            ),
            Block("heading", "Hoe betalen"),
            Block(
                "p",
                "Schrijf vóór {{ deadline|date }} {{ amount_cents|money }} over op rekening "
                "{{ iban|iban }} (BIC {{ bic }}) van {{ coop.name }}, met de gestructureerde "
                "mededeling {{ communication|communication }}. Of scan deze code met uw bankapp:",
            ),
            _QR,
            Block("small", _PAYMENT),
            Block(
                "p",
                "U wordt vennoot zodra de betaling ontvangen is; u krijgt dan uw certificaat.",
            ),
            Block("heading", "Vragen?"),
            Block(
                "p",
                "Schrijf naar {{ questions }} of kom langs in uw kantoor ({{ office }}). Wilt u "
                "nu niet intekenen, laat het ons weten: dan sturen we geen herinneringen meer.",
            ),
            Block("p", "Met coöperatieve groeten,"),
            Block("p", "Het team van {{ coop.name }}"),
        ],
        "de": [
            *letter_opening("de", "member"),
            Block("title", "Werden Sie Genossenschafter von {{ coop.name }}"),
            Block("p", "{% if member_number %}Mitgliedsnummer: {{ member_number }}{% endif %}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block("heading", "Warum eine Genossenschaft?"),
            Block(
                "p",
                "{{ coop.name }} gehört denen, die ihre Dienste nutzen. Als Genossenschafter "
                "werden Sie Miteigentümer: eine Person, eine Stimme in der Generalversammlung, "
                "unabhängig von der Zahl der Anteile.",
            ),
            Block("heading", "Was ein Anteil kostet und abdeckt"),
            Block(
                "p",
                "Ein Anteil der Kategorie {{ share_class }} kostet {{ amount_cents|money }}. "
                "Sie brauchen einen Anteil pro Nutzungsjahr: der {{ year }} gezeichnete Anteil "
                "deckt das Jahr {{ year }}. Ohne Anteil ab dem {{ restriction_on|date }} keine "
                "Rechnungen und keine neue Aktivität mehr.",
            ),
            Block("heading", "Wie zahlen"),
            Block(
                "p",
                "Überweisen Sie {{ amount_cents|money }} vor dem {{ deadline|date }} auf das "
                "Konto {{ iban|iban }} (BIC {{ bic }}) von {{ coop.name }} mit der strukturierten "
                "Mitteilung {{ communication|communication }}. Oder scannen Sie diesen Code mit Ihrer "
                "Banking-App:",
            ),
            _QR,
            Block("small", _PAYMENT),
            Block(
                "p",
                "Sie werden Genossenschafter, sobald die Zahlung eingegangen ist; Sie erhalten "
                "dann Ihr Zertifikat.",
            ),
            Block("heading", "Fragen?"),
            Block(
                "p",
                "Schreiben Sie an {{ questions }} oder besuchen Sie Ihr Büro ({{ office }}). "
                "Möchten Sie jetzt nicht zeichnen, sagen Sie es uns: dann erinnern wir Sie "
                "nicht mehr.",
            ),
            Block("p", "Mit genossenschaftlichen Grüßen,"),
            Block("p", "Das Team von {{ coop.name }}"),
        ],
        "en": [
            *letter_opening("en", "member"),
            Block("title", "Become a shareholder of {{ coop.name }}"),
            Block("p", "{% if member_number %}Member number: {{ member_number }}{% endif %}"),
            Block("p", "{{ member.name|salutation(member.company) }}"),
            Block("heading", "Why a cooperative?"),
            Block(
                "p",
                "{{ coop.name }} belongs to the people who use its services. As a shareholder "
                "you become a co-owner: one person, one vote at the general assembly, however "
                "many shares you hold.",
            ),
            Block("heading", "What a share costs and covers"),
            Block(
                "p",
                "A class {{ share_class }} share costs {{ amount_cents|money }}. You need one "
                "share per year of use of the services: the share subscribed in {{ year }} "
                "covers {{ year }}. Without a share, no invoicing and no new activity from "
                "{{ restriction_on|date }}.",
            ),
            Block("heading", "How to pay"),
            Block(
                "p",
                "Transfer {{ amount_cents|money }} before {{ deadline|date }} to account "
                "{{ iban|iban }} (BIC {{ bic }}) of {{ coop.name }}, with the structured "
                "communication {{ communication|communication }}. Or scan this code with your banking app:",
            ),
            _QR,
            Block("small", _PAYMENT),
            Block(
                "p",
                "You become a shareholder when the payment is received; your certificate follows.",
            ),
            Block("heading", "Questions?"),
            Block(
                "p",
                "Write to {{ questions }} or visit your office ({{ office }}). If you do not "
                "wish to subscribe now, tell us: we will not remind you again.",
            ),
            Block("p", "With cooperative greetings,"),
            Block("p", "The {{ coop.name }} team"),
        ],
    },
    sample=sample,
    key_text={
        "fr": "Devenez coopérateur de SmartCoop SC",
        "nl": "Word vennoot van SmartCoop SC",
        "de": "Werden Sie Genossenschafter von SmartCoop SC",
        "en": "Become a shareholder of SmartCoop SC",
    },
)
