"""The proxy form sent with the convocation."""

from documents.assembly_docs import PROXY_RULE
from documents.assembly_samples import TODAY, coop, meeting
from documents.authoring import Block, TemplateSource
from documents.contexts.assembly import AssemblyProxy


def sample(language: str) -> AssemblyProxy:
    return AssemblyProxy(
        language=language,
        coop=coop(),
        today=TODAY,
        meeting=meeting(language),
        proxies_per_holder=2,
        proxy_rule=PROXY_RULE[False][language],
        return_to="Rue Coenraets 72, 1060 Saint-Gilles — backoffice@smart.coop",
    )


_DOTS = ".............................................."


def _blocks(t: dict[str, str]) -> list[Block]:
    return [
        Block("title", t["title"]),
        Block("p", t["giver"] + _DOTS),
        Block("p", t["number"] + _DOTS),
        Block("p", t["holder"] + _DOTS),
        Block("p", t["holder_number"] + _DOTS),
        Block("p", t["mandate"]),
        Block("p", t["rule"]),
        Block("p", t["return"]),
        Block("p", t["signed"].format(dots=_DOTS)),
    ]


TEXT = {
    "fr": {
        "title": "Procuration — {{ meeting.title }}",
        "giver": "Nom du membre qui donne procuration : ",
        "number": "Numéro de membre : ",
        "holder": "Nom du mandataire : ",
        "holder_number": "Numéro de membre du mandataire (s'il ou elle est membre) : ",
        "mandate": "Le membre désigné ci-dessus donne procuration au mandataire pour le ou la "
        "représenter à l'assemblée générale de {{ coop.name }} du {{ meeting.when }} "
        "({{ meeting.place }}) et y voter en son nom sur tous les points de l'ordre du jour.",
        "rule": "{{ proxy_rule }} Un mandataire détient au plus "
        "{{ proxies_per_holder|plural('procuration', 'procurations') }}.",
        "return": "Renvoyez ce formulaire signé au secrétariat au plus tard le "
        "{{ meeting.voting_closes }} : {{ return_to }}. Remettez à votre mandataire votre "
        "bulletin de vote : il ou elle votera avec votre code.",
        "signed": "Fait à {dots}, le {dots}. Signature du membre :",
    },
    "nl": {
        "title": "Volmacht — {{ meeting.title }}",
        "giver": "Naam van het lid dat volmacht geeft: ",
        "number": "Lidnummer: ",
        "holder": "Naam van de volmachthouder: ",
        "holder_number": "Lidnummer van de volmachthouder (als die lid is): ",
        "mandate": "Het hierboven vermelde lid geeft volmacht aan de volmachthouder om het te "
        "vertegenwoordigen op de algemene vergadering van {{ coop.name }} op "
        "{{ meeting.when }} ({{ meeting.place }}) en in zijn naam te stemmen over alle "
        "agendapunten.",
        "rule": "{{ proxy_rule }} Een volmachthouder heeft ten hoogste "
        "{{ proxies_per_holder|plural('volmacht', 'volmachten') }}.",
        "return": "Stuur dit ondertekende formulier uiterlijk op {{ meeting.voting_closes }} "
        "naar het secretariaat: {{ return_to }}. Geef uw stembiljet aan uw volmachthouder: die "
        "stemt met uw stemcode.",
        "signed": "Gedaan te {dots}, op {dots}. Handtekening van het lid:",
    },
    "de": {
        "title": "Vollmacht — {{ meeting.title }}",
        "giver": "Name des Mitglieds, das die Vollmacht erteilt: ",
        "number": "Mitgliedsnummer: ",
        "holder": "Name des oder der Bevollmächtigten: ",
        "holder_number": "Mitgliedsnummer des oder der Bevollmächtigten (falls Mitglied): ",
        "mandate": "Das oben genannte Mitglied bevollmächtigt die genannte Person, es in der "
        "Generalversammlung von {{ coop.name }} am {{ meeting.when }} ({{ meeting.place }}) zu "
        "vertreten und in seinem Namen über alle Punkte der Tagesordnung abzustimmen.",
        "rule": "{{ proxy_rule }} Ein Bevollmächtigter hält höchstens "
        "{{ proxies_per_holder|plural('Vollmacht', 'Vollmachten') }}.",
        "return": "Senden Sie dieses unterschriebene Formular spätestens am "
        "{{ meeting.voting_closes }} an das Sekretariat: {{ return_to }}. Geben Sie Ihrem "
        "Bevollmächtigten Ihren Stimmzettel: Er stimmt mit Ihrem Code ab.",
        "signed": "Ort: {dots}, Datum: {dots}. Unterschrift des Mitglieds:",
    },
    "en": {
        "title": "Proxy — {{ meeting.title }}",
        "giver": "Name of the member giving the proxy: ",
        "number": "Member number: ",
        "holder": "Name of the proxy holder: ",
        "holder_number": "Member number of the proxy holder (if a member): ",
        "mandate": "The member named above appoints the proxy holder to represent them at the "
        "general assembly of {{ coop.name }} on {{ meeting.when }} ({{ meeting.place }}) and "
        "vote in their name on every item of the agenda.",
        "rule": "{{ proxy_rule }} A proxy holder holds at most "
        "{{ proxies_per_holder|plural('proxy', 'proxies') }}.",
        "return": "Send this signed form to the secretariat by {{ meeting.voting_closes }}: "
        "{{ return_to }}. Give your ballot to your proxy holder: they vote with your voting "
        "code.",
        "signed": "Place: {dots}, date: {dots}. Signature of the member:",
    },
}

SOURCE = TemplateSource(
    name="assembly_proxy",
    slim=True,
    blocks={lang: _blocks(TEXT[lang]) for lang in TEXT},
    sample=sample,
    key_text={
        "fr": "Procuration —",
        "nl": "Volmacht —",
        "de": "Vollmacht —",
        "en": "Proxy —",
    },
)
