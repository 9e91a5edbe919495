"""The board's report on a transition campaign: conversion by office, language and week."""

from datetime import date

from documents import formatting, labels
from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Coop
from documents.contexts.transition import ConversionLine, TransitionBoardReport, WeekLine
from documents.letter_form import place_and_date


def sample(language: str) -> TransitionBoardReport:
    def line(group: str, invited: int, paid: int) -> ConversionLine:
        return ConversionLine(
            group=group,
            invited=invited,
            paid=paid,
            percent=formatting.percent(100 * paid / invited, language),
            not_now=1,
            resigned=1,
            restricted=invited - paid - 2,
        )

    return TransitionBoardReport(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        campaign=HOSTILE_TEXT,
        share_class="A",
        deadline=date(2027, 1, 31),
        restriction_on=date(2027, 3, 1),
        total=line("all", 200, 120),
        postal=9,
        by_office=[line("Gent", 120, 80), line("Liège", 80, 40)],
        by_language=[
            line(labels.language_name("fr", language), 80, 40),
            line(labels.language_name("nl", language), 120, 80),
        ],
        by_week=[
            WeekLine(week="2026-W49", paid=70, cumulative=70),
            WeekLine(week="2026-W50", paid=50, cumulative=120),
        ],
    )


_CHART = Block("image", "{% if chart is defined %}{{ chart }}{% endif %}")
_ROW = (
    "{{ row.group }}",
    "{{ row.invited }}",
    "{{ row.paid }}",
    "{{ row.percent }}",
    "{{ row.not_now }}",
    "{{ row.resigned }}",
    "{{ row.restricted }}",
)
# Landscape text width; the group column holds "Niederländisch", the last "Eingeschränkt".
_WIDTHS = (4.0, 3.0, 2.4, 1.6, 2.8, 2.8, 3.4)
_WEEK = ("{{ row.week }}", "{{ row.paid }}", "{{ row.cumulative }}")


def _blocks(language: str, t: dict[str, str]) -> list[Block]:
    headers = (
        t["group"],
        t["invited"],
        t["paid"],
        "%",
        t["not_now"],
        t["resigned"],
        t["restricted"],
    )
    return [
        place_and_date(language),
        Block("title", t["title"]),
        Block("p", t["intro"]),
        Block("p", t["summary"]),
        Block("heading", t["by_office"]),
        Block("table", headers=headers, loop="row in by_office", cells=_ROW, widths=_WIDTHS),
        Block("heading", t["by_language"]),
        Block("table", headers=headers, loop="row in by_language", cells=_ROW, widths=_WIDTHS),
        Block("heading", t["by_week"]),
        Block(
            "table",
            headers=(t["week"], t["paid"], t["cumulative"]),
            loop="row in by_week",
            cells=_WEEK,
        ),
        _CHART,
        Block("small", t["note"]),
    ]


TEXT = {
    "fr": {
        "title": "Rapport au conseil : campagne {{ campaign }}",
        "intro": "Campagne de transition coopérative (parts de catégorie {{ share_class }}) : "
        "échéance le {{ deadline|date }}, restriction le {{ restriction_on|date }}.",
        "summary": "Membres invités : {{ total.invited }} ; part payée : {{ total.paid }} "
        "({{ total.percent }}) ; « pas maintenant » : {{ total.not_now }} ; démissions : "
        "{{ total.resigned }} ; restreints : {{ total.restricted }} ; invitations par courrier : "
        "{{ postal }}.",
        "by_office": "Par bureau", "by_language": "Par langue", "by_week": "Paiements par semaine",
        "group": "Groupe", "invited": "Invités", "paid": "Payé", "not_now": "Pas maintenant",
        "resigned": "Démissions", "restricted": "Restreints", "week": "Semaine",
        "cumulative": "Cumul",
        "note": "Chiffres tirés du registre des parts et de la campagne à la date du rapport.",
    },
    "nl": {
        "title": "Verslag aan de raad van bestuur: campagne {{ campaign }}",
        "intro": "Coöperatieve overgangscampagne (aandelen van categorie {{ share_class }}): "
        "uiterste datum {{ deadline|date }}, beperking vanaf {{ restriction_on|date }}.",
        "summary": "Uitgenodigde leden: {{ total.invited }}; aandeel betaald: {{ total.paid }} "
        "({{ total.percent }}); 'nu niet': {{ total.not_now }}; uittredingen: "
        "{{ total.resigned }}; beperkt: {{ total.restricted }}; uitnodigingen per post: "
        "{{ postal }}.",
        "by_office": "Per kantoor", "by_language": "Per taal", "by_week": "Betalingen per week",
        "group": "Groep", "invited": "Uitgenodigd", "paid": "Betaald", "not_now": "Nu niet",
        "resigned": "Uittredingen", "restricted": "Beperkt", "week": "Week",
        "cumulative": "Cumulatief",
        "note": "Cijfers uit het aandelenregister en de campagne op de datum van het verslag.",
    },
    "de": {
        "title": "Bericht an den Verwaltungsrat: Kampagne {{ campaign }}",
        "intro": "Genossenschaftliche Übergangskampagne (Anteile der Kategorie {{ share_class }}): "
        "Frist {{ deadline|date }}, Einschränkung ab {{ restriction_on|date }}.",
        "summary": "Eingeladene Mitglieder: {{ total.invited }}; Anteil bezahlt: {{ total.paid }} "
        "({{ total.percent }}); „jetzt nicht“: {{ total.not_now }}; Austritte: "
        "{{ total.resigned }}; eingeschränkt: {{ total.restricted }}; Einladungen per Post: "
        "{{ postal }}.",
        "by_office": "Nach Büro", "by_language": "Nach Sprache", "by_week": "Zahlungen pro Woche",
        "group": "Gruppe", "invited": "Eingeladen", "paid": "Bezahlt", "not_now": "Jetzt nicht",
        "resigned": "Austritte", "restricted": "Eingeschränkt", "week": "Woche",
        "cumulative": "Kumuliert",
        "note": "Zahlen aus dem Anteilsregister und der Kampagne am Tag des Berichts.",
    },
    "en": {
        "title": "Report to the board: campaign {{ campaign }}",
        "intro": "Cooperative transition campaign (class {{ share_class }} shares): deadline "
        "{{ deadline|date }}, restriction from {{ restriction_on|date }}.",
        "summary": "Members invited: {{ total.invited }}; share paid: {{ total.paid }} "
        "({{ total.percent }}); 'not now': {{ total.not_now }}; resigned: {{ total.resigned }}; "
        "restricted: {{ total.restricted }}; invitations by post: {{ postal }}.",
        "by_office": "By office", "by_language": "By language", "by_week": "Payments by week",
        "group": "Group", "invited": "Invited", "paid": "Paid", "not_now": "Not now",
        "resigned": "Resigned", "restricted": "Restricted", "week": "Week",
        "cumulative": "Cumulative",
        "note": "Figures from the share register and the campaign on the date of the report.",
    },
}  # fmt: skip

SOURCE = TemplateSource(
    name="transition_board_report",
    blocks={language: _blocks(language, text) for language, text in TEXT.items()},
    landscape=True,
    sample=sample,
    key_text={
        "fr": "Rapport au conseil : campagne",
        "nl": "Verslag aan de raad van bestuur: campagne",
        "de": "Bericht an den Verwaltungsrat: Kampagne",
        "en": "Report to the board: campaign",
    },
)
