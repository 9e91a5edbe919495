"""The proxy form sent with the convocation."""

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
        proxy_rule="-",
        return_to="Rue Coenraets 72, 1060 Saint-Gilles — backoffice@smart.coop",
    )


_DOTS = ".............................................."

SOURCE = TemplateSource(
    name="assembly_proxy",
    slim=True,
    blocks={
        "fr": [
            Block("title", "Procuration — {{ meeting.title }}"),
            Block("p", "Je soussigné(e) " + _DOTS + ", numéro de membre " + _DOTS + ","),
            Block("p", "donne procuration à " + _DOTS + ","),
            Block(
                "p",
                "pour me représenter à l'assemblée générale de {{ coop.name }} du "
                "{{ meeting.when }} ({{ meeting.place }}) et y voter en mon nom sur tous les "
                "points de l'ordre du jour.",
            ),
            Block(
                "p",
                "{{ proxy_rule }} Un mandataire détient au plus {{ proxies_per_holder }}"
                " procuration(s).",
            ),
            Block(
                "p",
                "Renvoyez ce formulaire signé au secrétariat avant le {{ meeting.voting_closes }} : {{ return_to }}. Remettez à votre mandataire votre bulletin de vote : il votera avec votre code.",
            ),
            Block("p", "Fait à " + _DOTS + ", le " + _DOTS + ". Signature :"),
        ],
        "nl": [
            Block("title", "Volmacht — {{ meeting.title }}"),
            Block("p", "Ondergetekende " + _DOTS + ", lidnummer " + _DOTS + ","),
            Block("p", "geeft volmacht aan " + _DOTS + ","),
            Block(
                "p",
                "om mij te vertegenwoordigen op de algemene vergadering van {{ coop.name }} op "
                "{{ meeting.when }} ({{ meeting.place }}) en in mijn naam te stemmen over alle "
                "agendapunten.",
            ),
            Block(
                "p",
                "{{ proxy_rule }} Een volmachthouder heeft ten hoogste "
                "{{ proxies_per_holder }} volmacht(en).",
            ),
            Block(
                "p",
                "Stuur dit ondertekende formulier vóór {{ meeting.voting_closes }} naar het secretariaat: {{ return_to }}. Geef uw stembrief aan uw volmachthouder: die stemt met uw stemcode.",
            ),
            Block("p", "Gedaan te " + _DOTS + ", op " + _DOTS + ". Handtekening:"),
        ],
        "de": [
            Block("title", "Vollmacht — {{ meeting.title }}"),
            Block("p", "Der/Die Unterzeichnete " + _DOTS + ", Mitgliedsnummer " + _DOTS + ","),
            Block("p", "bevollmächtigt " + _DOTS + ","),
            Block(
                "p",
                "mich in der Generalversammlung von {{ coop.name }} am {{ meeting.when }} "
                "({{ meeting.place }}) zu vertreten und in meinem Namen über alle Punkte der "
                "Tagesordnung abzustimmen.",
            ),
            Block(
                "p",
                "{{ proxy_rule }} Ein Bevollmächtigter hält höchstens "
                "{{ proxies_per_holder }} Vollmacht(en).",
            ),
            Block(
                "p",
                "Senden Sie dieses unterschriebene Formular vor dem {{ meeting.voting_closes }} an das Sekretariat: {{ return_to }}. Geben Sie Ihrem Bevollmächtigten Ihren Stimmzettel: Er stimmt mit Ihrem Code ab.",
            ),
            Block("p", "Ort: " + _DOTS + ", Datum: " + _DOTS + ". Unterschrift:"),
        ],
        "en": [
            Block("title", "Proxy — {{ meeting.title }}"),
            Block("p", "I, the undersigned " + _DOTS + ", member number " + _DOTS + ","),
            Block("p", "appoint " + _DOTS + " as my proxy"),
            Block(
                "p",
                "to represent me at the general assembly of {{ coop.name }} on "
                "{{ meeting.when }} ({{ meeting.place }}) and vote in my name on every item "
                "of the agenda.",
            ),
            Block(
                "p",
                "{{ proxy_rule }} A proxy holder holds at most {{ proxies_per_holder }} proxies.",
            ),
            Block(
                "p",
                "Send this signed form to the secretariat before {{ meeting.voting_closes }}: {{ return_to }}. Give your ballot to your proxy holder: they vote with your voting code.",
            ),
            Block("p", "Place: " + _DOTS + ", date: " + _DOTS + ". Signature:"),
        ],
    },
    sample=sample,
    key_text={
        "fr": "Procuration —",
        "nl": "Volmacht —",
        "de": "Vollmacht —",
        "en": "Proxy —",
    },
)
