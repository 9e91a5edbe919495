"""Forms staff fill in the Prefect UI (deployment parameters and resume forms), shaped so that
the UI's form builder (Prefect 3.9) shows each field as a paper form would.

The builder has two blind spots, both fixed here in the JSON schema of every `PaperForm`:
- a choice whose schema is a `$ref` to an enum is an empty dropdown (resume forms keep
  `$defs`, which the UI does not resolve): the choices are written inline, under their labels;
- an optional field (`X | None`, an `anyOf` with `null`) is a type toggle ("Property is type
  None") before anyone can type: it becomes a plain box of its type, left empty by default.
A blank box comes back as `""` or not at all: both mean "not given" (None) in Python.
"""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from enum import Enum
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo

from governance.clock import brussels_instant
from governance.contracts.rules.staff_decisions import DecisionAction
from governance.kernel.rules.calendar import BRUSSELS
from governance.members.rules.onboarding import ReviewChoice

# The words staff read in a dropdown when an enum's value is not already plain English.
LABELS: dict[Enum, str] = {
    ReviewChoice.REQUEST_INFO: "ask the applicant for information",
    DecisionAction.CORRECT: "ask the member to correct it",
}


def label_of(choice: Enum) -> str:
    return LABELS.get(choice, str(choice.value))


def _optional(annotation: Any) -> tuple[bool, Any]:
    """(True, X) for `X | None`, else (False, annotation)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) < len(get_args(annotation)) and len(args) == 1:
            return True, args[0]
    return False, annotation


def _enum_of(annotation: Any) -> type[Enum] | None:
    inner = _optional(annotation)[1]
    return inner if isinstance(inner, type) and issubclass(inner, Enum) else None


def _inline_choices(prop: dict[str, Any], enum: type[Enum], field: FieldInfo) -> None:
    for key in ("$ref", "anyOf", "allOf"):
        prop.pop(key, None)
    prop["type"] = "string"
    prop["enum"] = [label_of(choice) for choice in enum]
    if _optional(field.annotation)[0]:
        prop["enum"].append(None)  # "not given": API callers send null, the UI offers None
    if isinstance(field.default, Enum):
        prop["default"] = label_of(field.default)
    elif "default" in prop:
        del prop["default"]


def _plain_box(prop: dict[str, Any]) -> None:
    branches = [b for b in prop.pop("anyOf") if b.get("type") != "null"]
    if len(branches) == 1:
        prop.update({k: v for k, v in branches[0].items() if k not in prop or k == "type"})
    if prop.get("default", "") is None:
        del prop["default"]  # an empty box; left empty it means "not given"


DATE_HINT = "day/month/year, e.g. 30/07/1985"
MOMENT_HINT = "day/month/year hour:minute, Brussels time, e.g. 20/11/2026 09:30"


def _typed_box(prop: dict[str, Any], inner: Any) -> None:
    """A date or a moment is typed as on paper (the UI's calendar is slow for a birth date)."""
    hint = MOMENT_HINT if inner is datetime else DATE_HINT
    prop.pop("format", None)
    prop["type"] = "string"
    described = prop.get("description", "")
    prop["description"] = f"{described} ({hint})" if described else hint.capitalize()


def _read_moment(text: str, inner: Any) -> Any:
    """`30/07/1985` (or ISO) as a date; `20/11/2026 09:30` as that moment in Brussels."""
    text = text.strip()
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            read = datetime.strptime(text, pattern)  # noqa: DTZ007 - a Brussels wall time
        except ValueError:
            continue
        return read.date() if inner is date else brussels_instant(read.date(), read.time())
    return text  # ISO and anything else: pydantic reads it or names the problem


def as_typed(model: BaseModel, exclude: Any = None) -> dict[str, Any]:
    """The model's values as staff type them in its form (dates `30/07/1985`, moments in
    Brussels time `20/11/2026 09:30`, choices by value), to open the form filled again."""
    return {k: _typed_value(v) for k, v in model.model_dump(exclude=exclude).items()}


def _typed_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(BRUSSELS).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _typed_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_typed_value(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # Decimal, UUID, ...: as text in a box


def days_listed(value: Any) -> Any:
    """Days typed as on paper (`12/01/2027`, or several separated by commas) as dates."""
    parts = re.split(r"[,;\s]+", value) if isinstance(value, str) else value
    if not isinstance(parts, list):
        return value
    return [_read_moment(p, date) if isinstance(p, str) else p for p in parts if p != ""]


def as_paper_form(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Rewrite a model's JSON schema: choices inline, optional fields as plain boxes."""
    for name, field in model.model_fields.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop is None:
            continue
        prop.setdefault("title", field.title or name.replace("_", " ").capitalize())
        enum = _enum_of(field.annotation)
        if enum is not None:
            _inline_choices(prop, enum, field)
        elif any(b.get("type") == "null" for b in prop.get("anyOf", [])):
            _plain_box(prop)
        if _optional(field.annotation)[1] in (date, datetime):
            _typed_box(prop, _optional(field.annotation)[1])


class PaperForm(BaseModel):
    """Base of every model staff fill in the UI (see the module docstring)."""

    model_config = ConfigDict(json_schema_extra=as_paper_form)

    @model_validator(mode="before")
    @classmethod
    def _as_typed(cls, data: Any) -> Any:
        """A blank box is "not given"; a choice's label stands for its value."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in data:
                continue
            optional, inner = _optional(field.annotation)
            value = data[key]
            if (
                isinstance(value, BaseModel)
                and isinstance(inner, type)
                and not isinstance(value, inner)
            ):  # a domain model where its form subclass is expected (Python callers)
                data[key] = value.model_dump()
                continue
            if optional and (data[key] == "" or data[key] is None):
                data[key] = None
                continue
            if inner in (date, datetime) and isinstance(value, str):
                data[key] = _read_moment(value, inner)
                continue
            enum = _enum_of(field.annotation)
            if enum is not None and isinstance(data[key], str):
                by_label = {label_of(choice): choice for choice in enum}
                data[key] = by_label.get(data[key], data[key])
        return data


def titled(title: str, description: str) -> Any:
    """The title of a flow's one parameter in the UI (Prefect would show its name, `params`)."""
    return Field(json_schema_extra={"title": title, "description": description})
