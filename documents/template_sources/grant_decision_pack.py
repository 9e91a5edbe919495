"""The board's decision pack for a grant call: ranking, scores, recusals, budget."""

from datetime import date

from documents.authoring import HOSTILE_TEXT, SAMPLE_COOP_KWARGS, Block, TemplateSource
from documents.contexts import Coop
from documents.contexts.grants import GrantDecisionPack, PackRow, RecusalRow
from documents.staff_text import recusal_reason, score


def sample(language: str) -> GrantDecisionPack:
    return GrantDecisionPack(
        language=language,
        coop=Coop(**SAMPLE_COOP_KWARGS),
        today=date(2026, 11, 27),
        call="Bourses 2027",
        budget_cents=10_000_000,
        proposed_cents=9_000,
        left_cents=9_991_000,
        criteria={
            "fr": "impact ×3 (0-10) · faisabilité ×2 (0-10)",
            "nl": "impact ×3 (0-10) · haalbaarheid ×2 (0-10)",
            "de": "Wirkung ×3 (0-10) · Machbarkeit ×2 (0-10)",
            "en": "impact ×3 (0-10) · feasibility ×2 (0-10)",
        }[language],
        partial_funding="no",
        rows=[
            PackRow(
                rank="1",
                reference="G001-0007",
                applicant=HOSTILE_TEXT,
                title="Salto",
                asked_cents=9000,
                score=score(8125, language),
                criteria=f"impact {score(850, language)} · {score(750, language)}",
                reviews=2,
                proposed_cents=9000,
            )
        ],
        recusals=[
            RecusalRow(
                reference="G001-0007",
                reviewer="anna",
                reason=recusal_reason("the reviewer is the applicant", "fr", language),
            )
        ],
        ineligible=3,
        beyond_limit=0,
    )


def _pack(t: dict[str, str]) -> list[Block]:
    return [
        Block("title", t["title"]),
        Block("p", t["summary"]),
        Block("p", t["criteria"]),
        Block("heading", t["h_ranking"]),
        Block(
            "table",
            headers=(
                t["rank"],
                t["file"],
                t["applicant"],
                t["asked"],
                t["score"],
                t["per_criterion"],
                t["reviews"],
                t["proposed"],
            ),
            loop="row in rows",
            cells=(
                "{{ row.rank }}",
                "{{ row.reference }} {{ row.title }}",
                "{{ row.applicant }}",
                "{{ row.asked_cents|money }}",
                "{{ row.score }}",
                "{{ row.criteria }}",
                "{{ row.reviews }}",
                "{{ row.proposed_cents|money }}",
            ),
        ),
        Block("heading", t["h_recusals"]),
        Block(
            "table",
            headers=(t["file"], t["reviewer"], t["reason"]),
            loop="r in recusals",
            cells=("{{ r.reference }}", "{{ r.reviewer }}", "{{ r.reason }}"),
        ),
        Block("p", t["not_considered"]),
    ]


SOURCE = TemplateSource(
    name="grant_decision_pack",
    blocks={
        "fr": _pack(
            {
                "title": "Dossier de décision : {{ call }}",
                "summary": "Budget {{ budget_cents|money }} ; proposé {{ proposed_cents|money }} ; "
                "reste {{ left_cents|money }}. Financement partiel : "
                "{{ partial_funding }}. Établi le {{ today|date }}.",
                "criteria": "Critères (poids, échelle) : {{ criteria }}",
                "h_ranking": "Classement",
                "rank": "Rang",
                "file": "Dossier",
                "applicant": "Demandeur",
                "asked": "Demandé",
                "score": "Score /100",
                "per_criterion": "Moyenne par critère",
                "reviews": "Évaluations",
                "proposed": "Proposé",
                "h_recusals": "Récusations",
                "reviewer": "Évaluateur",
                "reason": "Motif",
                "not_considered": "Non examinés : {{ ineligible }} inéligibles, {{ beyond_limit }} "
                "au-delà de la limite.",
            }
        ),
        "nl": _pack(
            {
                "title": "Beslissingsdossier: {{ call }}",
                "summary": "Budget {{ budget_cents|money }}; voorgesteld "
                "{{ proposed_cents|money }}; rest {{ left_cents|money }}. Gedeeltelijke "
                "financiering: {{ partial_funding }}. Opgesteld op {{ today|date }}.",
                "criteria": "Criteria (gewicht, schaal): {{ criteria }}",
                "h_ranking": "Rangschikking",
                "rank": "Plaats",
                "file": "Dossier",
                "applicant": "Aanvrager",
                "asked": "Gevraagd",
                "score": "Score /100",
                "per_criterion": "Gemiddelde per criterium",
                "reviews": "Beoordelingen",
                "proposed": "Voorgesteld",
                "h_recusals": "Wrakingen",
                "reviewer": "Beoordelaar",
                "reason": "Reden",
                "not_considered": "Niet onderzocht: {{ ineligible }} niet-ontvankelijk, "
                "{{ beyond_limit }} buiten de limiet.",
            }
        ),
        "de": _pack(
            {
                "title": "Entscheidungsvorlage: {{ call }}",
                "summary": "Budget {{ budget_cents|money }}; vorgeschlagen "
                "{{ proposed_cents|money }}; verbleibend {{ left_cents|money }}. "
                "Teilförderung: {{ partial_funding }}. Erstellt am {{ today|date }}.",
                "criteria": "Kriterien (Gewicht, Skala): {{ criteria }}",
                "h_ranking": "Rangfolge",
                "rank": "Rang",
                "file": "Akte",
                "applicant": "Antragsteller",
                "asked": "Beantragt",
                "score": "Punkte /100",
                "per_criterion": "Mittel je Kriterium",
                "reviews": "Bewertungen",
                "proposed": "Vorgeschlagen",
                "h_recusals": "Befangenheiten",
                "reviewer": "Gutachter",
                "reason": "Grund",
                "not_considered": "Nicht geprüft: {{ ineligible }} unzulässig, {{ beyond_limit }} "
                "über der Grenze.",
            }
        ),
        "en": _pack(
            {
                "title": "Decision pack: {{ call }}",
                "summary": "Budget {{ budget_cents|money }}; proposed {{ proposed_cents|money }}; "
                "left {{ left_cents|money }}. Partial funding: {{ partial_funding }}. "
                "Prepared on {{ today|date }}.",
                "criteria": "Criteria (weight, scale): {{ criteria }}",
                "h_ranking": "Ranking",
                "rank": "Rank",
                "file": "File",
                "applicant": "Applicant",
                "asked": "Asked",
                "score": "Score /100",
                "per_criterion": "Mean per criterion",
                "reviews": "Reviews",
                "proposed": "Proposed",
                "h_recusals": "Recusals",
                "reviewer": "Reviewer",
                "reason": "Reason",
                "not_considered": "Not considered: {{ ineligible }} ineligible, {{ beyond_limit }} "
                "beyond the limit.",
            }
        ),
    },
    sample=sample,
    key_text={
        "fr": "Dossier de décision",
        "nl": "Beslissingsdossier",
        "de": "Entscheidungsvorlage",
        "en": "Decision pack",
    },
)
